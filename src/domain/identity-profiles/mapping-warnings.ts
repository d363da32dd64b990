import type { DomainContext } from '../context.js';
import type { IdentityAttributeConfig } from './schema.js';
import {
  accountAttributeRefs,
  unknownAttributes,
  type KnownSource,
  type UnknownAttribute,
} from './unknown-attributes.js';

/**
 * The account attributes a profile's mappings read that their source has never had (see
 * unknown-attributes.ts), each source looked up once. ISC's profile has no place for a warning, so
 * the API says it where it can: a `Warning` header on create and update, and the import result's
 * `warnings`.
 */
export async function unknownAttributesIn(
  ctx: Pick<DomainContext, 'repos'>,
  config: IdentityAttributeConfig | undefined | null,
): Promise<UnknownAttribute[]> {
  const refs = accountAttributeRefs(config);
  if (!refs.length) return [];
  const sources = new Map<string, KnownSource>();
  for (const a of refs) {
    const byId = typeof a.sourceId === 'string' && a.sourceId !== '';
    const key = byId
      ? `id:${a.sourceId}`
      : typeof a.sourceName === 'string'
        ? `name:${a.sourceName.toLowerCase()}`
        : undefined;
    if (!key || sources.has(key)) continue;
    const source = byId
      ? await ctx.repos.sources.findById(a.sourceId as string)
      : await ctx.repos.sources.findByName(a.sourceName as string);
    if (source) sources.set(key, source);
  }
  return unknownAttributes(config, [...sources.values()]);
}

/** The warning in plain ASCII quotes (it also travels in an HTTP header). */
export const unknownAttributeWarning = (u: UnknownAttribute) =>
  `A mapping reads account attribute '${u.attributeName}', which source '${u.source}' has never had in a loaded file${u.suggestion ? ` (did you mean '${u.suggestion}'?)` : ''}: it will be empty.`;
