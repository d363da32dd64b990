import { Type, type Static } from 'typebox';
import type { FilterRules } from '../shared/collection.js';
import { DateTime, Nullable, Reference } from '../shared/schema.js';

/** ISC's Identity (v2025 shape): `attributes` holds the computed identity attributes. */
export const Identity = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    created: DateTime,
    modified: DateTime,
    alias: Nullable(Type.String({ description: 'The `uid` attribute' })),
    emailAddress: Nullable(Type.String({ description: 'The `email` attribute' })),
    processingState: Nullable(Type.Union([Type.Literal('ERROR'), Type.Literal('OK')])),
    identityStatus: Type.String(),
    managerRef: Nullable(Reference('IDENTITY', 'The manager found by manager correlation')),
    isManager: Type.Boolean(),
    lastRefresh: Nullable(DateTime),
    attributes: Type.Record(Type.String(), Type.Unknown()),
    identityProfile: Nullable(
      Type.Object(
        { id: Type.String(), name: Type.String() },
        { description: 'The profile the identity belongs to (beyond ISC)' },
      ),
    ),
    lifecycleState: Nullable(
      Type.Object(
        { stateName: Type.String(), manuallyUpdated: Type.Boolean() },
        { description: 'The lifecycle state (its technical name) and whether it was set by hand' },
      ),
    ),
    identityState: Nullable(
      Type.String({
        description:
          "The `identityState` of the identity's lifecycle state (ACTIVE, INACTIVE_SHORT_TERM, INACTIVE_LONG_TERM), as ISC's PublicIdentity and Account carry it (beyond ISC's Identity)",
      }),
    ),
  },
  { title: 'Identity', description: 'An identity' },
);
export type Identity = Static<typeof Identity>;

export const IDENTITY_FILTERS = {
  id: { type: 'string', ops: ['eq', 'in'] },
  name: { type: 'string', ops: ['eq', 'sw'] },
  alias: { type: 'string', ops: ['eq', 'sw'] },
  emailAddress: { type: 'string', ops: ['eq', 'in', 'sw'] },
  /** identities.v1's name for it */
  email: { type: 'string', ops: ['eq', 'sw'] },
  processingState: { type: 'string', ops: ['eq'] },
  identityProfileId: { type: 'string', ops: ['eq', 'in'] },
  correlated: { type: 'boolean', ops: ['eq'] },
  // beyond ISC (additive): the manager correlation found, and whether anyone reports to the identity
  'managerRef.id': { type: 'string', ops: ['eq', 'in', 'pr', 'isnull'] },
  isManager: { type: 'boolean', ops: ['eq'] },
} as const;

/** `attributes.<name>`: filters on a computed identity attribute (beyond ISC), e.g. `attributes.department eq "Sales"`. */
export const IDENTITY_ATTRIBUTE_FILTER = {
  type: 'string',
  ops: ['eq', 'ne', 'in', 'sw', 'co', 'pr', 'isnull'],
} as const;
/**
 * identities.v1's `firstname` and `lastname` (eq, sw): the identity attributes of those names, read
 * as `attributes.firstname` / `attributes.lastname` are (beside the MAX_ATTRIBUTE_FILTERS of those).
 */
export const IDENTITY_ATTRIBUTE_FIELDS = { firstname: 'firstname', lastname: 'lastname' } as const;
export const NAMED_ATTRIBUTE_FILTER = { type: 'string', ops: ['eq', 'sw'] } as const;
/** How many different attributes one filter may name (each is a lookup in every identity's attributes). */
export const MAX_ATTRIBUTE_FILTERS = 5;
const ATTRIBUTE_FIELD = /\battributes\.([A-Za-z_][A-Za-z0-9_]{0,99})\b/g;

/**
 * The filter rules for one request: ISC's fields, ours, and `attributes.<name>` for each attribute
 * the filter text names (attribute names are free, so they cannot be listed up front). A name the
 * text mentions only inside a quoted value gains a rule it never uses: harmless.
 */
export function identityFilterRules(filters: string | undefined): FilterRules {
  const names = new Set([...(filters ?? '').matchAll(ATTRIBUTE_FIELD)].map((m) => m[1]));
  const rules: Record<string, FilterRules[string]> = { ...IDENTITY_FILTERS };
  for (const name of [...names].slice(0, MAX_ATTRIBUTE_FILTERS))
    rules[`attributes.${name}`] = IDENTITY_ATTRIBUTE_FILTER;
  for (const field of Object.keys(IDENTITY_ATTRIBUTE_FIELDS)) rules[field] = NAMED_ATTRIBUTE_FILTER;
  return rules;
}
export const IDENTITY_SORTERS = ['name', 'alias', 'id', 'created', 'modified'] as const;
