import { Compile } from 'typebox/compile';
import { AppError } from '../../errors.js';
import { unknownAttributesIn, unknownAttributeWarning } from './mapping-warnings.js';
import type { Actor, DomainContext, Repositories } from '../context.js';
import { parseCollectionQuery, type CollectionParams } from '../shared/collection.js';
import { walkTransforms } from './transform-tree.js';
import type { VersionPolicy } from './policy.js';
import {
  EXPORT_FILTERS,
  EXPORT_SORTERS,
  IdentityProfileInput,
  type ExportedIdentityProfile,
  type IdentityProfile,
  type ImportItem,
  type ObjectImportResult,
  type SpConfigMessage,
} from './schema.js';
import { buildNewProfile, insertProfile } from './service.js';

/** Export (sp-config object format, decision 12), filtered and paged like the list. */
export async function exportProfiles(
  ctx: DomainContext,
  params: CollectionParams,
): Promise<{ items: ExportedIdentityProfile[]; total?: number }> {
  const query = parseCollectionQuery(params, {
    filters: EXPORT_FILTERS,
    sorters: EXPORT_SORTERS,
    defaultSort: [{ field: 'name', direction: 'asc' }],
  });
  const { items, total } = await ctx.repos.profiles.list(query);
  return {
    items: items.map((object) => ({
      version: 1,
      self: { type: 'IDENTITY_PROFILE', id: object.id, name: object.name },
      object,
    })),
    total,
  };
}

const checkInput = Compile(IdentityProfileInput);
class DryRunRollback extends Error {}

/**
 * Import: profiles are matched by name and created or updated, all in one transaction. A bad
 * object is an error for that object only; the others still import — also when the database
 * refuses it (a name or source another import took meanwhile, a transform deleted meanwhile):
 * each object is a part of the transaction that fails alone. With `dryRun` the same work is done
 * and rolled back, so the result says exactly what would happen.
 */
export async function importProfiles(
  ctx: DomainContext,
  items: ImportItem[],
  policy: VersionPolicy,
  actor: Actor,
  options: { dryRun?: boolean } = {},
): Promise<ObjectImportResult> {
  const result: ObjectImportResult = { infos: [], warnings: [], errors: [], importedObjects: [] };
  try {
    await ctx.withTransaction(async (repos, scope) => {
      for (const [i, item] of items.entries()) {
        const ref = {
          index: i,
          type: 'IDENTITY_PROFILE',
          id: item.self?.id ?? null,
          name: String(item.self?.name ?? item.object.name ?? ''),
        };
        try {
          await scope.attempt(() => importOne(ctx, repos, item, ref, policy, actor, result));
        } catch (e) {
          if (!(e instanceof AppError) || e.status >= 500) throw e;
          const text = `There was an error importing 'IDENTITY_PROFILE' '${ref.name}' (item ${i}): ${e.message}`;
          result.errors.push(message('IMPORT_FAILED', text, { object: ref, error: { causes: e.causes } }));
        }
      }
      if (options.dryRun) throw new DryRunRollback();
    });
  } catch (e) {
    if (!(e instanceof DryRunRollback)) throw e;
  }
  if (options.dryRun) result.infos.unshift(message('DRY_RUN', 'Dry run: nothing was written.', {}));
  return result;
}

type ObjectRef = { index: number; type: string; id: string | null; name: string };

/** Imports one object, or reports why it cannot be (throws an AppError when the object fails: nothing of it stays written). */
async function importOne(
  ctx: DomainContext,
  repos: Repositories,
  item: ImportItem,
  ref: ObjectRef,
  policy: VersionPolicy,
  actor: Actor,
  result: ObjectImportResult,
): Promise<void> {
  const label = `'${ref.name}' (item ${ref.index})`;
  if (item.self?.type !== undefined && item.self.type !== 'IDENTITY_PROFILE') {
    result.errors.push(
      message(
        'UNSUPPORTED_TYPE',
        `Object ${label} has type '${item.self.type}'; only IDENTITY_PROFILE is imported here.`,
        { object: { ...ref, type: item.self.type } },
      ),
    );
    return;
  }
  const input = await resolveMappingSources(repos, await resolveSourceReference(repos, structuredClone(item.object)));
  if (!checkInput.Check(input)) {
    const causes = [...checkInput.Errors(input)].map((e) => `${e.instancePath || '/'}: ${e.message}`);
    result.errors.push(
      message('INVALID_OBJECT', `Object ${label} is not a valid identity profile: ${causes.join('; ')}`, {
        object: ref,
        error: { causes },
      }),
    );
    return;
  }
  const existing = await repos.profiles.findByName(input.name.trim());
  const saved = existing
    ? await updateFromImport(ctx, repos, existing, input)
    : await buildAndInsert(ctx, repos, input, policy);
  await repos.audit.record({
    entityType: 'IDENTITY_PROFILE',
    entityId: saved.id,
    action: 'import',
    actor: actor.clientId,
    detail: input,
  });
  result.importedObjects.push({ type: 'IDENTITY_PROFILE', id: saved.id, name: saved.name });
  const imported = { object: ref, imported: { type: 'IDENTITY_PROFILE', id: saved.id, name: saved.name } };
  result.infos.push(
    message(
      existing ? 'UPDATED' : 'CREATED',
      `Identity profile '${saved.name}' ${existing ? 'updated' : 'created'} (${saved.id}).`,
      imported,
    ),
  );
  for (const u of await unknownAttributesIn({ repos }, saved.identityAttributeConfig)) {
    result.warnings.push(
      message('UNKNOWN_ACCOUNT_ATTRIBUTE', `Identity profile ${label}: ${unknownAttributeWarning(u)}`, {
        object: ref,
        attribute: { ...u },
      }),
    );
  }
}

/** The authoritative source is resolved by id, then by name (sources differ between tenants). */
async function resolveSourceReference(repos: Repositories, object: Record<string, any>): Promise<Record<string, any>> {
  const ref = object.authoritativeSource;
  if (!ref || typeof ref !== 'object') return object;
  const byId = typeof ref.id === 'string' ? await repos.sources.findById(ref.id) : undefined;
  const source = byId ?? (typeof ref.name === 'string' ? await repos.sources.findByName(ref.name) : undefined);
  return source ? { ...object, authoritativeSource: { type: 'SOURCE', id: source.id, name: source.name } } : object;
}

/**
 * Sources named inside the mappings (`accountAttribute` with `sourceId`/`sourceName`) are resolved
 * the same way: an exported `sourceId` is the origin tenant's, so when no source has it here the
 * source of that `sourceName` is used. What stays unresolved is reported by validation on save.
 */
async function resolveMappingSources(repos: Repositories, object: Record<string, any>): Promise<Record<string, any>> {
  for (const node of walkTransforms(object.identityAttributeConfig?.attributeTransforms, 'attributeTransforms')) {
    const attrs = node.attributes;
    if (node.type !== 'accountAttribute' || typeof attrs.sourceId !== 'string' || typeof attrs.sourceName !== 'string')
      continue;
    if (await repos.sources.findById(attrs.sourceId)) continue;
    const byName = await repos.sources.findByName(attrs.sourceName);
    if (byName) attrs.sourceId = byName.id;
  }
  return object;
}

async function buildAndInsert(
  ctx: DomainContext,
  repos: Repositories,
  input: IdentityProfileInput,
  policy: VersionPolicy,
) {
  const profile = await buildNewProfile(ctx, repos, input, policy);
  await insertProfile(ctx, repos, profile);
  return profile;
}

async function updateFromImport(
  ctx: DomainContext,
  repos: Repositories,
  existing: IdentityProfile,
  input: IdentityProfileInput,
) {
  const policy = {
    hasTimeBasedAttrDefault: existing.hasTimeBasedAttr,
    attributeConfigEnabledDefault: existing.identityAttributeConfig.enabled,
  };
  const candidate = await buildNewProfile({ ...ctx, newId: () => existing.id }, repos, input, policy, existing.id);
  const changedMappings =
    JSON.stringify(candidate.identityAttributeConfig) !== JSON.stringify(existing.identityAttributeConfig) ||
    candidate.authoritativeSource.id !== existing.authoritativeSource.id;
  const updated: IdentityProfile = {
    ...candidate,
    priority: input.priority ?? existing.priority,
    created: existing.created,
    identityCount: existing.identityCount,
    identityRefreshRequired: existing.identityRefreshRequired || changedMappings,
  };
  await repos.profiles.update(updated);
  return updated;
}

/** Every `details` value is an object: beta's SpConfigMessage declares `additionalProperties: {type: object}`. */
const message = (key: string, text: string, details: SpConfigMessage['details']): SpConfigMessage => ({
  key,
  text,
  details,
});
