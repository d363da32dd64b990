import { isDeepStrictEqual } from 'node:util';
import { Compile } from 'typebox/compile';
import { AppError, ERRORS } from '../../errors.js';
import type { Actor, DomainContext, Repositories } from '../context.js';
import { parseCollectionQuery, type CollectionParams } from '../shared/collection.js';
import { applyJsonPatchTo, assertOperationComplete, writtenFields } from '../shared/json-patch.js';
import type { JsonPatch } from '../shared/schema.js';
import { assertSourcesExist, emailOption, newState, normalizeActions } from './input.js';
import type { LifecycleState, LifecycleStateWithCount } from './model.js';
import type { LifecycleStatePolicy } from './policy.js';
import type { LifecycleStateListQuery } from './repository.js';
import { LIFECYCLE_STATE_SORTERS, LifecycleStateInput } from './schema.js';
import { fieldsOf, present } from './view.js';

type View = Record<string, unknown>;
const AUDIT = 'LIFECYCLE_STATE';

async function assertProfile(repos: Repositories, profileId: string): Promise<void> {
  if (!(await repos.profiles.findById(profileId))) throw ERRORS.notFound('profile_not_found', profileId);
}

/** A page of the profile's states (ISC's sorters: name, priority, created, modified; no filters). */
export async function listStates(
  ctx: DomainContext,
  profileId: string,
  params: CollectionParams,
  policy: LifecycleStatePolicy,
) {
  if (params.filters?.trim())
    throw new AppError(
      'invalid_filter',
      'Invalid filters: lifecycle states cannot be filtered (ISC declares no filters here).',
    );
  const query = parseCollectionQuery(params, {
    filters: {},
    sorters: LIFECYCLE_STATE_SORTERS,
    defaultSort: [
      { field: 'priority', direction: 'asc' },
      { field: 'name', direction: 'asc' },
    ],
  }) as LifecycleStateListQuery;
  await assertProfile(ctx.repos, profileId);
  const { items, total } = await ctx.repos.lifecycleStates.list(profileId, query);
  return { items: items.map((s) => present(s, policy)), total };
}

async function findState(
  repos: Repositories,
  profileId: string,
  id: string,
  lock?: 'update' | 'delete',
): Promise<LifecycleStateWithCount> {
  const state = await repos.lifecycleStates.findById(id, { profileId, lock });
  if (!state) throw ERRORS.notFound('lifecycle_state_not_found', id);
  return state;
}

export async function getState(
  ctx: DomainContext,
  profileId: string,
  id: string,
  policy: LifecycleStatePolicy,
): Promise<View> {
  return present(await findState(ctx.repos, profileId, id), policy);
}

async function assertTechnicalNameFree(repos: Repositories, profileId: string, technicalName: string): Promise<void> {
  const existing = await repos.lifecycleStates.findByTechnicalName(profileId, technicalName);
  if (existing) {
    throw new AppError(
      'lifecycle_state_name_taken',
      `The identity profile already has the lifecycle state '${existing.name}' with the technical name '${existing.technicalName}' (${existing.id}); technical names are unique within a profile, ignoring case.`,
    );
  }
}

/** POST: 201 with the new state. The unique index backs the name check against a concurrent create. */
export async function createState(
  ctx: DomainContext,
  profileId: string,
  input: LifecycleStateInput,
  policy: LifecycleStatePolicy,
  actor: Actor,
): Promise<View> {
  const state = newState(input, profileId, ctx.newId(), ctx.now().toISOString());
  return ctx.withTransaction(async (repos) => {
    await assertProfile(repos, profileId);
    await assertTechnicalNameFree(repos, profileId, state.technicalName);
    await assertSourcesExist(repos, state.accountActions);
    await repos.lifecycleStates.insert([state]);
    await repos.audit.record({
      entityType: AUDIT,
      entityId: state.id,
      action: 'create',
      actor: actor.clientId,
      detail: input,
    });
    return present(await findState(repos, profileId, state.id), policy);
  });
}

const checkers = {
  classic: Compile(LifecycleStateInput.classic),
  current: Compile(LifecycleStateInput.current),
  beta: Compile(LifecycleStateInput.beta),
};
const DATE_FIELDS = new Set(['created', 'modified']);
const same = (field: string, a: unknown, b: unknown) =>
  isDeepStrictEqual(a, b) ||
  (DATE_FIELDS.has(field) && typeof a === 'string' && typeof b === 'string' && Date.parse(a) === Date.parse(b));

/** Refuses an operation on a field the version does not let a PATCH change (spec §3b; `test` only reads). */
function assertPatchAllowed(ops: JsonPatch, policy: LifecycleStatePolicy): void {
  for (const [i, op] of ops.entries()) {
    for (const field of writtenFields(op)) {
      if (field === '' || policy.updatable.includes(field)) continue;
      if (!fieldsOf(policy).has(field))
        throw new AppError(
          'invalid_patch',
          `Operation ${i} (${op.op} ${op.path}): a lifecycle state has no field '${field}' in this API version.`,
        );
      throw new AppError(
        'field_not_updatable',
        `Operation ${i} (${op.op} ${op.path}): '${field}' cannot be modified.`,
        [`Updatable: ${policy.updatable.join(', ')}`],
      );
    }
    assertOperationComplete(op, i);
  }
}

/** The stored state with the patched view's updatable fields, validated as create input would be. */
function merged(
  current: LifecycleState,
  view: View,
  patched: View,
  policy: LifecycleStatePolicy,
  now: Date,
): LifecycleState {
  const changed = [...fieldsOf(policy)].filter(
    (f) => !policy.updatable.includes(f) && Object.hasOwn(patched, f) && !same(f, patched[f], view[f]),
  );
  if (changed.length) {
    throw new AppError(
      'field_not_updatable',
      `The patch changes ${changed.map((f) => `'${f}'`).join(', ')}, which cannot be modified.`,
      [`Updatable: ${policy.updatable.join(', ')}`],
    );
  }
  const input: Record<string, unknown> = { name: current.name, technicalName: current.technicalName };
  for (const f of policy.updatable) if (patched[f] !== undefined) input[f] = patched[f];
  const check = checkers[policy.shape];
  if (!check.Check(input)) {
    const causes = [...check.Errors(input)].map((e) => `${e.instancePath || '/'}: ${e.message}`);
    throw new AppError('lifecycle_state_invalid', `The patched lifecycle state is not valid: ${causes[0]}`, causes);
  }
  const valid = input as LifecycleStateInput;
  const next: LifecycleState = { ...current, modified: now.toISOString() };
  const has = (f: string) => policy.updatable.includes(f);
  if (has('enabled')) next.enabled = valid.enabled ?? false;
  if (has('description')) next.description = valid.description ?? null;
  if (has('emailNotificationOption')) next.emailNotificationOption = emailOption(valid.emailNotificationOption);
  if (has('accessProfileIds')) next.accessProfileIds = [...(valid.accessProfileIds ?? [])];
  if (has('accountActions')) {
    // a version without excludeSourceIds/allSources keeps an allSources action it shows only by its action
    next.accountActions =
      policy.shape === 'classic' && isDeepStrictEqual(patched.accountActions, view.accountActions)
        ? current.accountActions
        : normalizeActions(valid.accountActions);
  }
  if (has('priority')) next.priority = valid.priority ?? null;
  if (has('accessActionConfiguration'))
    next.accessActionConfiguration = {
      removeAllAccessEnabled: valid.accessActionConfiguration?.removeAllAccessEnabled ?? false,
    };
  return next;
}

/**
 * PATCH (JSON Patch on the version's representation): only the version's updatable fields may
 * change — an operation on another is refused by its path, a whole-document write that changes one
 * by comparison. A patch that changes nothing writes nothing. The row is locked for the update.
 */
export async function patchState(
  ctx: DomainContext,
  profileId: string,
  id: string,
  ops: JsonPatch,
  policy: LifecycleStatePolicy,
  actor: Actor,
): Promise<View> {
  assertPatchAllowed(ops, policy);
  return ctx.withTransaction(async (repos) => {
    const current = await findState(repos, profileId, id, 'update');
    // patched with every field present (a description the version leaves out when null can be replaced)
    const view = present(current, { ...policy, descriptionNullable: true });
    const patched = applyJsonPatchTo(view, ops, fieldsOf(policy), 'a lifecycle state');
    const next = merged(current, view, patched, policy, ctx.now());
    const { modified: _a, ...after } = next;
    const { modified: _b, identityCount: _c, ...before } = current;
    if (isDeepStrictEqual(after, before)) return present(current, policy);
    if (!isDeepStrictEqual(next.accountActions, current.accountActions))
      await assertSourcesExist(repos, next.accountActions);
    await repos.lifecycleStates.update(next);
    await repos.audit.record({ entityType: AUDIT, entityId: id, action: 'update', actor: actor.clientId, detail: ops });
    return present({ ...next, identityCount: current.identityCount }, policy);
  });
}

/**
 * DELETE: 202 `LifecyclestateDeleted`. A state that identities are in is refused (400 naming how
 * many): they would be left naming a state that no longer exists. Processing moves them first
 * (their `cloudLifecycleState` mapping), or set-lifecycle-state does. The state's row is locked
 * before counting: a writer that holds `lockStates` while it puts identities into states commits
 * first, and its identities are counted.
 */
export async function deleteState(ctx: DomainContext, profileId: string, id: string, actor: Actor) {
  return ctx.withTransaction(async (repos) => {
    const state = await findState(repos, profileId, id, 'delete');
    // counted by a statement of its own: the locking read's snapshot may predate a writer it waited for
    const count = (await repos.lifecycleStates.identityCounts(profileId)).get(id) ?? 0;
    if (count > 0) {
      throw new AppError(
        'lifecycle_state_in_use',
        `The lifecycle state '${state.name}' (${state.technicalName}) cannot be deleted: ${count} ${count === 1 ? 'identity is' : 'identities are'} in it. Move them to another state first.`,
      );
    }
    await repos.lifecycleStates.delete(profileId, id);
    await repos.audit.record({
      entityType: AUDIT,
      entityId: id,
      action: 'delete',
      actor: actor.clientId,
      detail: { profileId, technicalName: state.technicalName },
    });
    return { type: 'LIFECYCLE_STATE' as const, id: state.id, name: state.name };
  });
}
