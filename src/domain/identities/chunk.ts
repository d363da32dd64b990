import { createHash } from 'node:crypto';
import type { DomainContext, Repositories } from '../context.js';
import type { IdentityProfile } from '../identity-profiles/schema.js';
import { forEachPaced } from '../shared/pace.js';
import type { ChunkOutcome } from '../tasks/repository.js';
import { DryRunCollector } from './dry-run.js';
import {
  attributesFrom,
  compileMappings,
  evaluateIdentity,
  sameAttributes,
  type CompiledMappings,
} from './evaluate.js';
import {
  decideLifecycle,
  LIFECYCLE_ATTRIBUTE,
  LifecycleCollector,
  mapsLifecycle,
  type LifecycleSummary,
  type ProfileStates,
} from './lifecycle.js';
import type { ChunkSelection, IdentityChange, ManagerLookup } from './repository.js';

const MAX_ERRORS_PER_CHUNK = 20;

/**
 * Mappings compiled per task and profile: once per run, not per chunk (a task processing given
 * identities may span several profiles). One per process, on the domain context (services.ts);
 * a run forgets its own when it ends.
 */
export class CompiledMappingsCache {
  /** At most this many runs' compilations are kept; past it, all are dropped (each run compiles again). */
  static readonly MAX = 50;
  readonly #byTask = new Map<string, CompiledMappings>();

  async get(repos: Repositories, taskId: string, profile: IdentityProfile): Promise<CompiledMappings> {
    const key = `${taskId}/${profile.id}`;
    let compiled = this.#byTask.get(key);
    if (!compiled) {
      const stored = new Map((await repos.transforms.all()).map((t) => [t.name.toLowerCase(), t]));
      compiled = compileMappings(profile.identityAttributeConfig, (name) => stored.get(name.toLowerCase()));
      if (this.#byTask.size > CompiledMappingsCache.MAX) this.#byTask.clear();
      this.#byTask.set(key, compiled);
    }
    return compiled;
  }

  forget(taskId: string): void {
    for (const key of this.#byTask.keys()) if (key.startsWith(`${taskId}/`)) this.#byTask.delete(key);
  }
}

/** What a chunk records besides its counts. */
export interface ChunkSummary {
  managersChanged: number;
  attributeChanges?: ReturnType<DryRunCollector['summary']>;
  /** With a `cloudLifecycleState` mapping: states entered, problems, account actions (lifecycle.ts). */
  lifecycle?: LifecycleSummary;
}

/**
 * Evaluates one chunk of identities and writes, in one statement, only those whose attributes
 * (or, with a manager lookup, manager) changed. When the mappings depend on accounts alone, the
 * identities whose accounts did not change since they were last processed with the same mappings
 * are not even read (they count as processed, unchanged). With `dryRun` nothing is written; the
 * changes are summarised per attribute instead. Evaluation gives the event loop a turn every few
 * milliseconds (forEachPaced): a chunk of costly mappings takes seconds, and requests, timers
 * and the process's other jobs must not wait for it.
 *
 * With a `cloudLifecycleState` mapping and the profile's `states` (read once per job), each
 * identity's state follows its value (lifecycle.ts): states set, account actions run, problems
 * reported — in the chunk's transaction; a dry run only counts them.
 */
export async function processChunk(
  ctx: Pick<DomainContext, 'now' | 'newId' | 'withTransaction' | 'compiledMappings'>,
  repos: Repositories,
  run: { taskId: string; dryRun?: boolean },
  profile: IdentityProfile,
  range: ChunkSelection,
  managerLookup: ManagerLookup | undefined,
  states?: ProfileStates,
): Promise<ChunkOutcome & { summary: ChunkSummary }> {
  const compiled = await ctx.compiledMappings.get(repos, run.taskId, profile);
  const lifecycle = states && mapsLifecycle(profile) ? new LifecycleCollector() : undefined;
  // the states are part of what decides an identity's outcome: a change of them evaluates everyone again
  const fingerprint =
    !compiled.enabled || !compiled.fingerprint
      ? undefined
      : lifecycle
        ? createHash('md5').update(`${compiled.fingerprint}/${states!.digest}`).digest('hex')
        : compiled.fingerprint;
  // identities named one by one (POST /identities/process) are evaluated whatever their fingerprint says
  const evaluateAll = 'ids' in range;
  const { identities, inRange } = await repos.identities.loadChunk(profile.id, range, {
    managerLookup,
    fingerprint,
    managerAttributes: !fingerprint,
    evaluateAll,
    accountStates: !!lifecycle,
  });
  const now = ctx.now();
  const outcome = {
    processed: inRange,
    changed: 0,
    failed: 0,
    errors: [] as ChunkOutcome['errors'],
    summary: { managersChanged: 0 } as ChunkSummary,
  };
  const changes: IdentityChange[] = [];
  const unchanged: Parameters<Repositories['identities']['writeFingerprints']>[0] = [];
  const dryRun = run.dryRun ? new DryRunCollector() : undefined;
  await forEachPaced(identities, (identity) => {
    const results = evaluateIdentity(compiled, identity, now);
    const failures = results.filter((r) => r.error);
    if (failures.length) outcome.failed++;
    for (const f of failures)
      if (outcome.errors.length < MAX_ERRORS_PER_CHUNK)
        outcome.errors.push({
          identityId: identity.id,
          name: identity.name,
          attribute: f.attribute,
          message: f.error!,
        });
    if (!compiled.enabled) return; // attributes are only promoted when the mapping config is enabled
    const next = attributesFrom(results);
    const manager = managerLookup ? (identity.correlatedManagerId ?? null) : identity.managerId;
    const managerChanged = manager !== identity.managerId;
    const decision = lifecycle ? decideLifecycle(identity, next[LIFECYCLE_ATTRIBUTE], states!) : undefined;
    if (decision) lifecycle!.add(identity, decision);
    if (decision?.kind === 'problem' && outcome.errors.length < MAX_ERRORS_PER_CHUNK) {
      outcome.errors.push({
        identityId: identity.id,
        name: identity.name,
        attribute: LIFECYCLE_ATTRIBUTE,
        message: decision.message,
      });
    }
    // an error, or a state problem, is evaluated again next time
    const remember = failures.length || decision?.kind === 'problem' ? null : (identity.fingerprint ?? null);
    if (sameAttributes(next, identity.attributes) && !managerChanged) {
      if (decision?.kind === 'set') outcome.changed++;
      if (remember) unchanged.push({ id: identity.id, fingerprint: remember, managerKeys: identity.managerKeys });
      return;
    }
    outcome.changed++;
    if (managerChanged) outcome.summary.managersChanged++;
    dryRun?.add(identity, next, managerChanged ? manager : undefined);
    changes.push({
      id: identity.id,
      attributes: next,
      processingState: failures.length ? 'ERROR' : 'OK',
      fingerprint: remember,
      managerKeys: identity.managerKeys,
      ...(managerLookup ? { managerId: manager } : {}),
    });
  });
  if (dryRun) {
    outcome.summary.attributeChanges = dryRun.summary();
  } else {
    await repos.identities.writeAttributes(changes);
    await repos.identities.writeFingerprints(unchanged);
    await lifecycle?.apply(ctx, repos, profile.id);
  }
  if (lifecycle) outcome.summary.lifecycle = lifecycle.summary;
  return outcome;
}
