import { Type, type Static } from 'typebox';
import { DateTime, Nullable, Reference, ReferenceInput } from '../shared/schema.js';

/** ISC's default account delete threshold, in percent (see DEVELOP.md, "Loads never wipe a source"). */
export const DEFAULT_DELETE_THRESHOLD = 10;
const DeleteThreshold = Type.Integer({
  minimum: 0,
  maximum: 100,
  description:
    "Number from 0 to 100 that specifies when to skip the delete phase: the largest share (percent) of the source's accounts one load may remove. Default 10.",
});

export const Source = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Nullable(Type.String()),
    owner: Nullable(Reference('IDENTITY', 'Owner of the source')),
    connector: Type.String(),
    type: Type.String(),
    managerCorrelationMapping: Nullable(
      Type.Object({ accountAttributeName: Type.String(), identityAttributeName: Type.String() }),
    ),
    accountIdColumn: Type.String({ description: 'CSV column holding the account id (native identity)' }),
    accountNameColumn: Type.String({ description: 'CSV column holding the account name' }),
    accountAttributeNames: Type.Array(Type.String(), { description: 'Account attributes learned from loaded files' }),
    deleteThreshold: DeleteThreshold,
    created: DateTime,
    modified: DateTime,
  },
  { title: 'Source', description: 'A source of accounts' },
);
export type Source = Static<typeof Source>;

/** sources.v1 declares `description` a non-nullable string: the per-service layout leaves it out when there is none. */
export const PerServiceSource = Type.Object(
  { ...Source.properties, description: Type.Optional(Type.String()) },
  { title: 'SourceV1', description: 'A source of accounts (sources.v1)' },
);
export type PerServiceSource = Static<typeof PerServiceSource>;
export const toPerServiceSource = ({ description, ...rest }: Source): PerServiceSource => ({
  ...rest,
  ...(description === null ? {} : { description }),
});

export const SourceInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 128, pattern: '\\S' }),
    description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
    owner: Type.Optional(Nullable(ReferenceInput('IDENTITY', 'Owner of the source'))),
    connector: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    type: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    managerCorrelationMapping: Type.Optional(
      Nullable(
        Type.Object({
          accountAttributeName: Type.String({ minLength: 1 }),
          identityAttributeName: Type.String({ minLength: 1 }),
        }),
      ),
    ),
    accountIdColumn: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Default `id`' })),
    accountNameColumn: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Default `name`' })),
    deleteThreshold: Type.Optional(DeleteThreshold),
  },
  { title: 'SourceInput' },
);
export type SourceInput = Static<typeof SourceInput>;

/** sources.v1's filters and sorters, for the fields this server keeps (the others name what it has not: health, clusters…). */
export const SOURCE_FILTERS = {
  id: { type: 'string', ops: ['eq', 'in', 'ge', 'gt', 'le', 'lt', 'ne', 'isnull', 'sw'] },
  name: { type: 'string', ops: ['eq', 'in', 'sw', 'co', 'ge', 'gt', 'ne', 'isnull'] },
  type: { type: 'string', ops: ['eq', 'in', 'ge', 'gt', 'ne', 'isnull', 'sw'] },
  'owner.id': { type: 'string', ops: ['eq', 'in', 'ge', 'gt', 'le', 'lt', 'ne', 'isnull', 'sw'] },
  description: { type: 'string', ops: ['eq', 'sw'] },
  created: { type: 'datetime', ops: ['eq', 'ge', 'gt', 'in', 'le', 'lt', 'ne', 'isnull'] },
  modified: { type: 'datetime', ops: ['eq', 'ge', 'gt', 'in', 'le', 'lt', 'ne', 'isnull'] },
} as const;
export const SOURCE_SORTERS = [
  'id',
  'name',
  'created',
  'modified',
  'type',
  'description',
  'owner.id',
  'owner.name',
] as const;

/** Fields a source PATCH may change here (ISC's PATCH takes more; the rest is out of this server's scope). */
export const SOURCE_PATCHABLE_FIELDS = ['deleteThreshold'] as const;
/** What ISC's PATCH and PUT refuse to change (sources.v1 `updateSourceV1`), plus what this server derives. */
export const SOURCE_IMMUTABLE_FIELDS = [
  'id',
  'type',
  'authoritative',
  'created',
  'modified',
  'connector',
  'connectorClass',
  'passwordPolicies',
  'accountAttributeNames',
] as const;
