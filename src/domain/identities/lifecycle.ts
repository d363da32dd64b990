import { createHash } from 'node:crypto';
import { setAccountsDisabled } from '../accounts/enable-disable.js';
import type { DomainContext, Repositories } from '../context.js';
import type { IdentityProfile } from '../identity-profiles/schema.js';
import type { AccountAction, LifecycleState } from '../lifecycle-states/model.js';
import { taskMessage } from '../tasks/service.js';
import type { TaskMessage } from '../tasks/schema.js';
import type { IdentityForProcessing } from './repository.js';

/**
 * What processing does with lifecycle states (issue 15). The identity attribute
 * `cloudLifecycleState` — mapped like any other — names a state of the identity's profile by its
 * technical name (in any case). When it names an enabled state the identity is not in, the
 * identity enters it (`identities.lifecycle_state`, not manual) and the state's account actions run
 * on its accounts. A value naming no state, or a disabled one, is reported and changes nothing.
 *
 * A state set by hand (`set-lifecycle-state`, manual) holds while the computed value stays what it
 * was when it was set; when the computed value changes, it wins and the state is automatic again.
 * ISC: "The manual setting is applicable as long as the underlying value on the source doesn't
 * change. When the value on the source changes, the Lifecycle State field gets reset to an
 * automatic value." (Setting Up Lifecycle States.) The stored attribute keeps the computed value;
 * the Identity shape shows the state in force.
 */
export const LIFECYCLE_ATTRIBUTE = 'cloudLifecycleState';
const SYSTEM = { clientId: 'system', name: 'system' };

/** A profile's states as processing reads them: once per chunk job (or per preview), not per identity. */
export interface ProfileStates {
  /** By technical name in lower case. */
  byName: ReadonlyMap<string, LifecycleState>;
  /**
   * Folded into the run key when the profile maps `cloudLifecycleState`: enabling, disabling,
   * adding or removing a state makes the next run evaluate every identity again.
   */
  digest: string;
}

export async function readProfileStates(repos: Repositories, profileId: string): Promise<ProfileStates> {
  const states = await repos.lifecycleStates.allOf(profileId);
  const byName = new Map(states.map((s) => [s.technicalName.toLowerCase(), s]));
  const key = states
    .map((s) => [s.id, s.technicalName, s.enabled])
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  return { byName, digest: createHash('md5').update(JSON.stringify(key)).digest('hex') };
}

/** Does the profile map `cloudLifecycleState` (and promote mapped values at all)? */
export const mapsLifecycle = (profile: Pick<IdentityProfile, 'identityAttributeConfig'>) =>
  !!profile.identityAttributeConfig?.enabled &&
  profile.identityAttributeConfig.attributeTransforms.some((m) => m.identityAttributeName === LIFECYCLE_ATTRIBUTE);

/** What a value of `cloudLifecycleState` means for the profile: the state, or why it is none. */
export function resolveState(
  states: ProfileStates,
  value: unknown,
): { state: LifecycleState } | { problem: string } | { none: true } {
  if (value === null || value === undefined || value === '') return { none: true };
  const text = String(value);
  const state = states.byName.get(text.toLowerCase());
  if (!state) return { problem: `${LIFECYCLE_ATTRIBUTE} '${text}' names no lifecycle state of the identity profile.` };
  if (!state.enabled)
    return {
      problem: `${LIFECYCLE_ATTRIBUTE} '${text}' names the lifecycle state '${state.name}', which is disabled.`,
    };
  return { state };
}

/** What processing does to one identity's state. */
export type LifecycleDecision =
  | { kind: 'keep' }
  | { kind: 'problem'; message: string }
  /** Write the state (null: none), automatic; `enter` when it is a state the identity was not in. */
  | { kind: 'set'; state: LifecycleState | null; enter: boolean };

/** Decides from the computed value (`next`) and what the identity had (see the module's comment). */
export function decideLifecycle(
  identity: IdentityForProcessing,
  next: unknown,
  states: ProfileStates,
): LifecycleDecision {
  const current = identity.lifecycleState ?? null;
  const manual = !!identity.lifecycleManual;
  if (manual && (next ?? null) === (identity.attributes[LIFECYCLE_ATTRIBUTE] ?? null)) return { kind: 'keep' };
  const resolved = resolveState(states, next);
  if ('problem' in resolved) return { kind: 'problem', message: resolved.problem };
  if ('none' in resolved)
    return current === null && !manual ? { kind: 'keep' } : { kind: 'set', state: null, enter: false };
  const enter = resolved.state.technicalName !== current;
  return enter || manual ? { kind: 'set', state: resolved.state, enter } : { kind: 'keep' };
}

/**
 * The accounts a state's ENABLE/DISABLE actions change for one identity: those on the listed
 * sources (v2025+: every source with `allSources`, minus `excludeSourceIds`) not already so.
 * DELETE is not done (this server deletes no accounts): `skipped` counts it.
 */
export function accountChanges(
  accounts: IdentityForProcessing['accounts'],
  actions: readonly AccountAction[],
): { disable: string[]; enable: string[]; skipped: number } {
  const out = { disable: [] as string[], enable: [] as string[], skipped: 0 };
  for (const action of actions) {
    if (action.action === 'DELETE') {
      out.skipped++;
      continue;
    }
    const disable = action.action === 'DISABLE';
    const listed = new Set(action.sourceIds ?? []);
    const excluded = new Set(action.excludeSourceIds ?? []);
    for (const a of accounts) {
      const selected = action.allSources ? !excluded.has(a.sourceId) : listed.has(a.sourceId);
      if (selected && !!a.disabled !== disable) (disable ? out.disable : out.enable).push(a.id);
    }
  }
  return out;
}

/** What a chunk did with states, for its summary and the run's result. */
export interface LifecycleSummary {
  /** Identities that entered each state, by technical name. */
  entered: Record<string, number>;
  /** Identities whose value named no enabled state. */
  problems: number;
  /** The enable/disable tasks the account actions recorded (each readable at task-status). */
  accountActivityIds: string[];
  /** Account actions not carried out (DELETE). */
  skippedActions: number;
}

/**
 * Collects one chunk's decisions and applies them in the chunk's transaction: the identities'
 * states in one statement, then one enable and one disable per entered state (each a task of
 * h/services' `setAccountsDisabled`, whose account updates do not touch processing's inputs).
 */
export class LifecycleCollector {
  private readonly writes: Array<{ id: string; state: string | null }> = [];
  private readonly actions = new Map<
    string,
    { state: LifecycleState; disable: string[]; enable: string[]; identities: number }
  >();
  readonly summary: LifecycleSummary = { entered: {}, problems: 0, accountActivityIds: [], skippedActions: 0 };

  add(identity: IdentityForProcessing, decision: LifecycleDecision): void {
    if (decision.kind === 'problem') this.summary.problems++;
    if (decision.kind !== 'set') return;
    this.writes.push({ id: identity.id, state: decision.state?.technicalName ?? null });
    if (!decision.enter || !decision.state) return;
    const state = decision.state;
    this.summary.entered[state.technicalName] = (this.summary.entered[state.technicalName] ?? 0) + 1;
    const changes = accountChanges(identity.accounts, state.accountActions);
    this.summary.skippedActions += changes.skipped;
    if (!changes.disable.length && !changes.enable.length) return;
    let bucket = this.actions.get(state.id);
    if (!bucket) this.actions.set(state.id, (bucket = { state, disable: [], enable: [], identities: 0 }));
    bucket.disable.push(...changes.disable);
    bucket.enable.push(...changes.enable);
    bucket.identities++;
  }

  async apply(
    ctx: Pick<DomainContext, 'withTransaction' | 'now' | 'newId'>,
    repos: Repositories,
    profileId: string,
  ): Promise<void> {
    if (!this.writes.length) return;
    // held to the commit: a state's delete waits for it and counts these identities (h/states);
    // one deleted since the job read the states is not written, and the next run reports it
    await repos.lifecycleStates.lockStates(profileId);
    const live = new Set((await repos.lifecycleStates.allOf(profileId)).map((s) => s.technicalName));
    const writes = this.writes.filter((w) => w.state === null || live.has(w.state));
    await repos.identities.writeLifecycleStates(writes.map((w) => ({ ...w, manual: false })));
    for (const [id, bucket] of this.actions) if (!live.has(bucket.state.technicalName)) this.actions.delete(id);
    for (const { state, disable, enable, identities } of this.actions.values()) {
      for (const [ids, disabled] of [
        [disable, true],
        [enable, false],
      ] as const) {
        if (!ids.length) continue;
        const reason = `Lifecycle state '${state.name}' (${state.technicalName}): ${disabled ? 'disable' : 'enable'} ${ids.length} account(s) of ${identities} identit(ies) entering it`;
        const { task } = await setAccountsDisabled(ctx, { accountIds: ids }, disabled, SYSTEM, { repos, reason });
        this.summary.accountActivityIds.push(task.id);
      }
    }
  }
}

/** Sums chunk summaries (ids capped: the counts stay whole). */
export function mergeLifecycleSummaries(parts: Array<LifecycleSummary | undefined>, maxIds = 100): LifecycleSummary {
  const merged: LifecycleSummary = { entered: {}, problems: 0, accountActivityIds: [], skippedActions: 0 };
  for (const p of parts) {
    if (!p) continue;
    for (const [name, n] of Object.entries(p.entered)) merged.entered[name] = (merged.entered[name] ?? 0) + n;
    merged.problems += p.problems;
    merged.skippedActions += p.skippedActions;
    merged.accountActivityIds.push(...p.accountActivityIds.slice(0, maxIds - merged.accountActivityIds.length));
  }
  return merged;
}

/** The run's task messages about states: who entered which, problems, actions not done. */
export function lifecycleReport(s: LifecycleSummary, dryRun: boolean): TaskMessage[] {
  const messages: TaskMessage[] = [];
  const entered = Object.entries(s.entered)
    .map(([name, n]) => `${n} ${name}`)
    .join(', ');
  if (entered)
    messages.push(
      taskMessage(
        'INFO',
        `Lifecycle states ${dryRun ? 'that would be entered' : 'entered'}: ${entered}${s.accountActivityIds.length ? `; account actions recorded as tasks ${s.accountActivityIds.join(', ')}` : ''}.`,
      ),
    );
  if (s.problems)
    messages.push(
      taskMessage(
        'WARN',
        `${s.problems} identit(ies) have a ${LIFECYCLE_ATTRIBUTE} that names no enabled lifecycle state of the profile; their state was left as it was (see errors).`,
      ),
    );
  if (s.skippedActions)
    messages.push(
      taskMessage(
        'WARN',
        `${s.skippedActions} DELETE account action(s) were not carried out: this server deletes no accounts.`,
      ),
    );
  return messages;
}
