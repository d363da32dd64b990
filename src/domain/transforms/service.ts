import { AppError, ERRORS } from '../../errors.js';
import type { Actor, DomainContext, Repositories } from '../context.js';
import { parseCollectionQuery, type CollectionParams } from '../shared/collection.js';
import type { StoredTransform } from './repository.js';
import { TRANSFORM_FILTERS, TRANSFORM_SORTERS, type Transform, type TransformInput } from './schema.js';

export async function listTransforms(ctx: DomainContext, params: CollectionParams & { name?: string }) {
  const query = parseCollectionQuery(
    { ...params, filters: mergeNameParam(params) },
    { filters: TRANSFORM_FILTERS, sorters: TRANSFORM_SORTERS, defaultSort: [{ field: 'name', direction: 'asc' }] },
  );
  return ctx.repos.transforms.list(query);
}

/** ISC's list also takes `name` (starts-with) as a plain query parameter. */
function mergeNameParam(params: CollectionParams & { name?: string }): string | undefined {
  if (!params.name) return params.filters;
  const byName = `name sw "${params.name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  return params.filters?.trim() ? `(${params.filters}) and ${byName}` : byName;
}

export async function getTransform(ctx: Pick<DomainContext, 'repos'>, id: string): Promise<Transform> {
  const t = await ctx.repos.transforms.findById(id);
  if (!t) throw ERRORS.notFound('transform_not_found', id);
  return t;
}

/** Compiles the definition against every stored transform (unknown references and cycles are 400s). */
async function assertCompiles(ctx: DomainContext, repos: Repositories, candidate: StoredTransform): Promise<void> {
  const stored = new Map((await repos.transforms.all()).map((t) => [t.name.toLowerCase(), t]));
  stored.set(candidate.name.toLowerCase(), candidate);
  const lookup = (name: string) => stored.get(name.toLowerCase());
  const problems = ctx.checkTransform(
    { type: candidate.type, attributes: candidate.attributes ?? {} },
    { transforms: lookup },
  );
  if (problems.length) {
    const causes = problems.map((p) => `${p.path || '(root)'}: ${p.message}`);
    throw new AppError('transform_invalid', `Invalid transform '${candidate.name}': ${causes[0]}`, causes);
  }
}

export async function createTransform(ctx: DomainContext, input: TransformInput, actor: Actor): Promise<Transform> {
  return ctx.withTransaction(async (repos) => {
    const existing = await repos.transforms.findByName(input.name.trim());
    if (existing)
      throw new AppError(
        'transform_name_taken',
        `A transform named '${existing.name}' already exists (${existing.id}).`,
      );
    const transform: StoredTransform = {
      id: ctx.newId(),
      name: input.name.trim(),
      type: input.type,
      attributes: input.attributes ?? null,
      internal: false,
    };
    await assertCompiles(ctx, repos, transform);
    await repos.transforms.insert(transform);
    await repos.audit.record({
      entityType: 'TRANSFORM',
      entityId: transform.id,
      action: 'create',
      actor: actor.clientId,
      detail: input,
    });
    return transform;
  });
}

/** PUT, as ISC: only `attributes` may change; name and type are fixed once created. */
export async function replaceTransform(
  ctx: DomainContext,
  id: string,
  input: TransformInput,
  actor: Actor,
): Promise<Transform> {
  return ctx.withTransaction(async (repos) => {
    const current = await repos.transforms.findById(id);
    if (!current) throw ERRORS.notFound('transform_not_found', id);
    if (current.internal)
      throw new AppError('transform_internal', `Transform '${current.name}' is internal and cannot be changed.`);
    if (input.name.trim() !== current.name)
      throw new AppError(
        'field_not_updatable',
        `The name of a transform cannot be changed (is '${current.name}', got '${input.name}').`,
      );
    if (input.type !== current.type)
      throw new AppError(
        'field_not_updatable',
        `The type of a transform cannot be changed (is '${current.type}', got '${input.type}').`,
      );
    const updated: StoredTransform = { ...current, attributes: input.attributes ?? null };
    await assertCompiles(ctx, repos, updated);
    await repos.transforms.update(updated);
    await repos.audit.record({
      entityType: 'TRANSFORM',
      entityId: id,
      action: 'update',
      actor: actor.clientId,
      detail: input,
    });
    return updated;
  });
}

/**
 * Refused (400, naming the users) while a profile mapping or another transform references it.
 * The row is locked first, so a profile or transform referencing it that is being saved at the
 * same moment is waited for and named; one saved after the lock waits for the delete and is
 * refused then (the database holds the references: migration 0010).
 */
export async function deleteTransform(ctx: DomainContext, id: string, actor: Actor): Promise<void> {
  await ctx.withTransaction(async (repos) => {
    const current = await repos.transforms.findById(id, { forUpdate: true });
    if (!current) throw ERRORS.notFound('transform_not_found', id);
    if (current.internal)
      throw new AppError('transform_internal', `Transform '${current.name}' is internal and cannot be deleted.`);
    const users = await usersOf(repos, current);
    if (users.length) {
      throw new AppError(
        'transform_referenced',
        `Transform '${current.name}' is referenced by ${users.join(', ')} and cannot be deleted.`,
        users,
      );
    }
    await repos.transforms.delete(id);
    await repos.audit.record({ entityType: 'TRANSFORM', entityId: id, action: 'delete', actor: actor.clientId });
  });
}

async function usersOf(repos: Repositories, t: StoredTransform): Promise<string[]> {
  const profiles = (await repos.profiles.referencingTransform(t.name)).map(
    (p) => `identity profile '${p.name}' (${p.id})`,
  );
  const transforms = (await repos.transforms.referencing(t.name))
    .filter((other) => other.id !== t.id)
    .map((other) => `transform '${other.name}' (${other.id})`);
  return [...profiles, ...transforms];
}
