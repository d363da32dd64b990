import { AppError, ERRORS } from '../../errors.js';
import type { DomainContext } from '../context.js';
import { parseCollectionQuery, type CollectionParams } from '../shared/collection.js';
import type { TaskRecord } from '../tasks/repository.js';
import { createTask, taskMessage } from '../tasks/service.js';
import { DEFAULT_DELETE_THRESHOLD, SOURCE_FILTERS, SOURCE_SORTERS, type Source, type SourceInput } from './schema.js';

export async function listSources(ctx: DomainContext, params: CollectionParams) {
  const query = parseCollectionQuery(params, {
    filters: SOURCE_FILTERS,
    sorters: SOURCE_SORTERS,
    defaultSort: [{ field: 'name', direction: 'asc' }],
  });
  return ctx.repos.sources.list(query);
}

export async function getSource(ctx: DomainContext, id: string): Promise<Source> {
  const source = await ctx.repos.sources.findById(id);
  if (!source) throw ERRORS.notFound('source_not_found', id);
  return source;
}

export async function createSource(ctx: DomainContext, input: SourceInput, actor: string): Promise<Source> {
  const now = ctx.now().toISOString();
  const source: Source = {
    id: ctx.newId(),
    name: input.name.trim(),
    description: input.description ?? null,
    owner: input.owner ? { type: 'IDENTITY', id: input.owner.id, name: input.owner.name ?? '' } : null,
    connector: input.connector ?? 'delimited-file',
    type: input.type ?? 'DelimitedFile',
    managerCorrelationMapping: input.managerCorrelationMapping ?? null,
    accountIdColumn: input.accountIdColumn ?? 'id',
    accountNameColumn: input.accountNameColumn ?? 'name',
    accountAttributeNames: [],
    deleteThreshold: input.deleteThreshold ?? DEFAULT_DELETE_THRESHOLD,
    created: now,
    modified: now,
  };
  return ctx.withTransaction(async (repos) => {
    if (await repos.sources.findByName(source.name))
      throw new AppError('source_name_taken', `A source named '${source.name}' already exists.`);
    await repos.sources.insert(source);
    await repos.audit.record({ entityType: 'SOURCE', entityId: source.id, action: 'create', actor, detail: source });
    return source;
  });
}

/** A source that is some profile's authoritative source cannot be deleted. */
/**
 * Deletes a source (refused while it is a profile's authoritative source). With `asTask`, the
 * deletion is also recorded as a completed task, for the answers that refer to one (sources.v1's 202).
 */
export async function deleteSource(
  ctx: DomainContext,
  id: string,
  actor: string,
  options: { asTask?: boolean } = {},
): Promise<TaskRecord | undefined> {
  return ctx.withTransaction(async (repos) => {
    const source = await repos.sources.findById(id);
    if (!source) throw ERRORS.notFound('source_not_found', id);
    const profile = await repos.profiles.findByAuthoritativeSource(id);
    if (profile) {
      throw new AppError(
        'source_in_use',
        `Source '${source.name}' is the authoritative source of identity profile '${profile.name}' (${profile.id}) and cannot be deleted.`,
      );
    }
    await repos.sources.delete(id);
    await repos.audit.record({ entityType: 'SOURCE', entityId: id, action: 'delete', actor });
    if (!options.asTask) return undefined;
    const task = await createTask(repos, ctx, {
      type: 'SOURCE_DELETION',
      name: 'Delete Source',
      description: `Delete source '${source.name}'`,
      actor: { clientId: actor, name: actor },
      target: { type: 'SOURCE', id, name: source.name },
    });
    const outcome = {
      completed: ctx.now(),
      completionStatus: 'Success' as const,
      messages: [taskMessage('INFO', `Source '${source.name}' deleted.`)],
      result: null,
    };
    await repos.tasks.complete(task.id, outcome);
    return { ...task, ...outcome, modified: outcome.completed };
  });
}
