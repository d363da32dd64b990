import type { IdentityProfile } from '../identity-profiles/schema.js';
import type { Source } from '../sources/schema.js';
import type { ManagerLookup } from './repository.js';

/**
 * Manager correlation finds the identity whose `identityAttributeName` equals an account
 * attribute. When that identity attribute is mapped straight from the authoritative source's
 * account id column (the usual `employeeNumber` ← `id`), the manager is simply the owner of the
 * account with that native identity: an indexed lookup done while a chunk is read, so the
 * manager is written with the attributes instead of in a second pass over every identity.
 * Returns undefined when the mapping is anything else (the general pass then runs at the end).
 */
export function managerLookupFor(profile: IdentityProfile, source: Source | undefined): ManagerLookup | undefined {
  const correlation = source?.managerCorrelationMapping;
  if (!source || !correlation || !profile.identityAttributeConfig.enabled) return undefined;
  const mapping = profile.identityAttributeConfig.attributeTransforms.find(
    (m) => m.identityAttributeName === correlation.identityAttributeName,
  );
  const def = mapping?.transformDefinition;
  if (def?.type !== 'accountAttribute' || !def.attributes) return undefined;
  const { attributeName, sourceName, sourceId, ...rest } = def.attributes as Record<string, unknown>;
  const onSource =
    sourceId === source.id ||
    (sourceId === undefined &&
      typeof sourceName === 'string' &&
      sourceName.toLowerCase() === source.name.toLowerCase());
  if (Object.keys(rest).length > 0 || !onSource || attributeName !== source.accountIdColumn) return undefined;
  return { sourceId: source.id, accountAttributeName: correlation.accountAttributeName };
}
