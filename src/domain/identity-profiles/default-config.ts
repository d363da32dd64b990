import type { DomainContext } from '../context.js';
import type { IdentityAttributeConfig } from './schema.js';
import { getProfile } from './service.js';

/**
 * The usual account attribute names for each standard identity attribute (decision 7), in order
 * of preference. The first one the source knows is mapped; a source that has not learned its
 * attributes yet gets the first name.
 */
const STANDARD_ATTRIBUTES: ReadonlyArray<[identityAttribute: string, candidates: readonly string[]]> = [
  ['uid', ['uid', 'username', 'userName', 'sAMAccountName', 'login', 'id']],
  ['firstname', ['firstname', 'firstName', 'first_name', 'givenName', 'given_name']],
  ['lastname', ['lastname', 'lastName', 'last_name', 'sn', 'surname', 'familyName']],
  ['email', ['email', 'mail', 'emailAddress', 'e-mail', 'email_address']],
  ['displayName', ['displayName', 'display_name', 'fullName', 'full_name', 'cn', 'name']],
  ['manager', ['manager', 'managerId', 'manager_id']],
];

export function proposeDefaultConfig(
  source: { id: string; name: string },
  knownAttributes: readonly string[] | undefined,
): Required<IdentityAttributeConfig> {
  const known = knownAttributes ? new Map(knownAttributes.map((a) => [a.toLowerCase(), a])) : undefined;
  const attributeTransforms = [];
  for (const [identityAttributeName, candidates] of STANDARD_ATTRIBUTES) {
    const attributeName = known ? candidates.map((c) => known.get(c.toLowerCase())).find(Boolean) : candidates[0];
    if (!attributeName) continue;
    if (identityAttributeName === 'manager' && !known) continue; // only proposed where the source has one
    attributeTransforms.push({
      identityAttributeName,
      transformDefinition: {
        type: 'accountAttribute',
        attributes: { attributeName, sourceName: source.name, sourceId: source.id },
      },
    });
  }
  return { enabled: true, attributeTransforms };
}

/**
 * `GET .../{id}/default-identity-attribute-config`: from the account attributes the authoritative
 * source learned from its loaded files; the usual names when it has not loaded any yet.
 */
export async function getDefaultConfig(ctx: DomainContext, id: string) {
  const profile = await getProfile(ctx, id);
  const source = await ctx.repos.sources.findById(profile.authoritativeSource.id);
  const learned = source?.accountAttributeNames.length ? source.accountAttributeNames : undefined;
  return proposeDefaultConfig(profile.authoritativeSource, learned);
}
