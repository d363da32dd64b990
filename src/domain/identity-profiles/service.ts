import { AppError, ERRORS } from '../../errors.js';
import type { Actor, DomainContext, Repositories } from '../context.js';
import { parseCollectionQuery, type CollectionParams } from '../shared/collection.js';
import type { Source } from '../sources/schema.js';
import { placeIdentities } from '../identities/placement.js';
import { defaultStates } from '../lifecycle-states/input.js';
import { checkMappings } from './mappings.js';
import type { VersionPolicy } from './policy.js';
import {
  LIST_FILTERS,
  LIST_SORTERS,
  type IdentityAttributeConfig,
  type IdentityProfile,
  type IdentityProfileInput,
} from './schema.js';

/** A page of profiles as the JSON text of the answer (sent as it is), with the total when asked for. */
export async function listProfiles(
  ctx: DomainContext,
  params: CollectionParams,
): Promise<{ json: string; total?: number }> {
  const query = parseCollectionQuery(params, {
    filters: LIST_FILTERS,
    sorters: LIST_SORTERS,
    defaultSort: [
      { field: 'priority', direction: 'asc' },
      { field: 'name', direction: 'asc' },
    ],
  });
  return ctx.repos.profiles.listJson(query);
}

export async function getProfile(ctx: Pick<DomainContext, 'repos'>, id: string): Promise<IdentityProfile> {
  const profile = await ctx.repos.profiles.findById(id);
  if (!profile) throw ERRORS.notFound('profile_not_found', id);
  return profile;
}

/** GET by id: the profile as the JSON text of the answer (sent as it is); 404 when there is none. */
export async function getProfileJson(ctx: Pick<DomainContext, 'repos'>, id: string): Promise<string> {
  const json = await ctx.repos.profiles.findJsonById(id);
  if (json === undefined) throw ERRORS.notFound('profile_not_found', id);
  return json;
}

/** Creates a profile (201). Decisions 3, 5, 6: unique name, priority max+10, one profile per source. */
export async function createProfile(
  ctx: DomainContext,
  input: IdentityProfileInput,
  policy: VersionPolicy,
  actor: Actor,
): Promise<IdentityProfile> {
  return ctx.withTransaction(async (repos) => {
    const profile = await buildNewProfile(ctx, repos, input, policy);
    await insertProfile(ctx, repos, profile);
    await repos.audit.record({
      entityType: 'IDENTITY_PROFILE',
      entityId: profile.id,
      action: 'create',
      actor: actor.clientId,
      detail: input,
    });
    // accounts already loaded on the source become this profile's identities
    if (!(await repos.accounts.anyOnSource(profile.authoritativeSource.id))) return profile;
    await placeIdentities(repos, [profile.authoritativeSource.id]);
    return (await repos.profiles.findById(profile.id))!;
  });
}

/** Stores a new profile with ISC's default lifecycle states (create and import; the caller's transaction). */
export async function insertProfile(
  ctx: Pick<DomainContext, 'newId'>,
  repos: Repositories,
  profile: IdentityProfile,
): Promise<void> {
  await repos.profiles.insert(profile);
  await repos.lifecycleStates.insert(defaultStates(profile.id, () => ctx.newId(), profile.created));
}

/** Validates input against stored state and returns the profile to store (create; import, which may replace `replacingId`). */
export async function buildNewProfile(
  ctx: Pick<DomainContext, 'now' | 'newId' | 'checkTransform'>,
  repos: Repositories,
  input: IdentityProfileInput,
  policy: VersionPolicy,
  replacingId?: string,
): Promise<IdentityProfile> {
  const name = input.name.trim();
  const source = await resolveAuthoritativeSource(repos, input.authoritativeSource);
  await assertNameFree(repos, name, replacingId);
  await assertSourceFree(repos, source, replacingId);
  await checkMappings(repos, input.identityAttributeConfig, ctx.checkTransform);
  const max = input.priority === undefined ? await repos.profiles.maxPriority() : null;
  const now = ctx.now().toISOString();
  return {
    id: ctx.newId(),
    name,
    created: now,
    modified: now,
    description: input.description ?? null,
    owner: input.owner ? { type: 'IDENTITY', id: input.owner.id, name: input.owner.name ?? '' } : null,
    priority: input.priority ?? defaultPriority(max),
    authoritativeSource: { type: 'SOURCE', id: source.id, name: source.name },
    identityRefreshRequired: false,
    identityCount: 0,
    identityAttributeConfig: storedConfig(input.identityAttributeConfig, policy.attributeConfigEnabledDefault),
    identityExceptionReportReference: input.identityExceptionReportReference ?? null,
    hasTimeBasedAttr: input.hasTimeBasedAttr ?? policy.hasTimeBasedAttrDefault,
  };
}

/**
 * The mappings as stored. Beta's document lets a transform's `attributes` be null; every other
 * version's requires an object, so null is stored as `{}` (the same transform, valid everywhere).
 */
export function storedConfig(
  config: IdentityAttributeConfig | undefined,
  enabledDefault: boolean,
): IdentityProfile['identityAttributeConfig'] {
  return {
    enabled: config?.enabled ?? enabledDefault,
    attributeTransforms: (config?.attributeTransforms ?? []).map((m) =>
      m.transformDefinition.attributes === null
        ? { ...m, transformDefinition: { ...m.transformDefinition, attributes: {} } }
        : m,
    ),
  };
}

/** Priorities are int32 (spec §5 says int64, but the stored column and the input are int32). */
const MAX_PRIORITY = 2147483647;

/**
 * Decision 5: a new profile without a priority goes last, at the current maximum + 10 (10 when
 * there is none). Capped at the int32 limit, so a profile parked there never makes creates fail.
 */
export const defaultPriority = (max: number | null): number => Math.min((max ?? 0) + 10, MAX_PRIORITY);

export async function resolveAuthoritativeSource(
  repos: Repositories,
  ref: { id: string; name?: string | null },
): Promise<Source> {
  const source = await repos.sources.findById(ref.id);
  if (!source)
    throw new AppError('authoritative_source_missing', `The authoritative source '${ref.id}' does not exist.`);
  return source;
}

export async function assertNameFree(repos: Repositories, name: string, exceptId?: string): Promise<void> {
  const existing = await repos.profiles.findByName(name);
  if (existing && existing.id !== exceptId) {
    throw new AppError(
      'profile_name_taken',
      `An identity profile named '${existing.name}' already exists (${existing.id}); names are unique, ignoring case.`,
    );
  }
}

export async function assertSourceFree(repos: Repositories, source: Source, exceptId?: string): Promise<void> {
  const existing = await repos.profiles.findByAuthoritativeSource(source.id);
  if (existing && existing.id !== exceptId) {
    throw new AppError(
      'profile_source_taken',
      `Source '${source.name}' is already the authoritative source of identity profile '${existing.name}' (${existing.id}); a source serves at most one profile.`,
    );
  }
}
