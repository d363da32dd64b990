import { Type, type Static } from 'typebox';
import { DateTime, Nullable, Reference, ReferenceInput } from '../shared/schema.js';

/** API shapes of identity profiles: the single source for validation, types, OpenAPI and serialization. */

export const TransformDefinition = Type.Object(
  {
    type: Type.String({ minLength: 1, maxLength: 100, description: 'Transform type, e.g. `accountAttribute`' }),
    attributes: Type.Optional(Nullable(Type.Record(Type.String(), Type.Unknown()))),
  },
  { title: 'TransformDefinition', description: 'Transform ("seaspray") definition, nested freely' },
);

export const IdentityAttributeTransform = Type.Object(
  {
    identityAttributeName: Type.String({
      minLength: 1,
      maxLength: 255,
      description: 'Identity attribute computed, e.g. `email`',
    }),
    transformDefinition: TransformDefinition,
  },
  { title: 'IdentityAttributeTransform' },
);

export const IdentityAttributeConfig = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean({ description: 'Values are only promoted when enabled' })),
    attributeTransforms: Type.Optional(Type.Array(IdentityAttributeTransform, { maxItems: 1000 })),
  },
  { title: 'IdentityAttributeConfig' },
);
export type IdentityAttributeConfig = Static<typeof IdentityAttributeConfig>;

/** `taskResultId` is `format: uuid` in the documents; ISC's ids are also 32 hex digits. */
const TASK_RESULT_ID = '^(?:[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}|[0-9a-fA-F]{32})$';
const IdentityExceptionReportReference = Nullable(
  Type.Object({
    taskResultId: Type.String({ pattern: TASK_RESULT_ID, description: 'A UUID (or 32 hex digits)' }),
    reportName: Type.String(),
  }),
);

export const IdentityProfile = Type.Object(
  {
    id: Type.String({ description: 'System-generated id (32 hex digits)' }),
    name: Type.String(),
    created: DateTime,
    modified: DateTime,
    description: Nullable(Type.String()),
    owner: Nullable(Reference('IDENTITY', 'Owner of the profile')),
    priority: Type.Integer({ description: 'Lower number = higher priority' }),
    authoritativeSource: Reference('SOURCE', 'The authoritative source'),
    identityRefreshRequired: Type.Boolean(),
    identityCount: Type.Integer(),
    identityAttributeConfig: Type.Object({
      enabled: Type.Boolean(),
      attributeTransforms: Type.Array(IdentityAttributeTransform),
    }),
    identityExceptionReportReference: IdentityExceptionReportReference,
    hasTimeBasedAttr: Type.Boolean(),
  },
  { title: 'IdentityProfile', description: 'An identity profile' },
);
export type IdentityProfile = Static<typeof IdentityProfile>;

/** What a client may send to create a profile (read-only and computed fields are ignored). */
export const IdentityProfileInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 128, pattern: '\\S' }),
    description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
    owner: Type.Optional(Nullable(ReferenceInput('IDENTITY', 'Owner of the profile'))),
    priority: Type.Optional(Type.Integer({ minimum: -2147483648, maximum: 2147483647 })),
    authoritativeSource: ReferenceInput('SOURCE', 'The authoritative source; must exist'),
    identityAttributeConfig: Type.Optional(IdentityAttributeConfig),
    identityExceptionReportReference: Type.Optional(IdentityExceptionReportReference),
    hasTimeBasedAttr: Type.Optional(Type.Boolean()),
  },
  { title: 'IdentityProfileInput' },
);
export type IdentityProfileInput = Static<typeof IdentityProfileInput>;

/** Paths a JSON Patch may not touch (the first segment of `path` or `from`). */
export const PATCH_PROTECTED_FIELDS = [
  'id',
  'created',
  'modified',
  'identityCount',
  'identityRefreshRequired',
] as const;

export const ExportedIdentityProfile = Type.Object(
  {
    version: Type.Integer({ description: 'Export format version, 1' }),
    self: Type.Object({ type: Type.Literal('IDENTITY_PROFILE'), id: Type.String(), name: Type.String() }),
    object: IdentityProfile,
  },
  { title: 'IdentityProfileExportedObject', description: 'sp-config exported object' },
);
export type ExportedIdentityProfile = Static<typeof ExportedIdentityProfile>;

/** Import accepts what export produced; the object is re-validated as an IdentityProfileInput per item. */
export const ImportItem = Type.Object(
  {
    version: Type.Optional(Type.Integer()),
    self: Type.Optional(
      Type.Object({
        type: Type.Optional(Type.String()),
        id: Type.Optional(Type.String()),
        name: Type.Optional(Type.String()),
      }),
    ),
    object: Type.Record(Type.String(), Type.Unknown()),
  },
  { title: 'IdentityProfileImportItem' },
);
export const ImportRequest = Type.Array(ImportItem, { title: 'IdentityProfileImportRequest', maxItems: 1000 });
export type ImportItem = Static<typeof ImportItem>;

/** `details` values are objects (beta declares `additionalProperties: {type: object}`), e.g. `{object: {index, type, id, name}}`. */
const SpConfigMessage = Type.Object(
  {
    key: Type.String(),
    text: Type.String(),
    details: Type.Record(Type.String(), Type.Record(Type.String(), Type.Unknown())),
  },
  { title: 'SpConfigMessage' },
);
export type SpConfigMessage = Static<typeof SpConfigMessage>;

export const ObjectImportResult = Type.Object(
  {
    infos: Type.Array(SpConfigMessage),
    warnings: Type.Array(SpConfigMessage),
    errors: Type.Array(SpConfigMessage),
    importedObjects: Type.Array(
      Type.Object({ type: Type.Literal('IDENTITY_PROFILE'), id: Type.String(), name: Type.String() }),
    ),
  },
  { title: 'ObjectImportResult' },
);
export type ObjectImportResult = Static<typeof ObjectImportResult>;

export const BulkDeleteRequest = Type.Array(Type.String({ minLength: 1, maxLength: 128 }), {
  title: 'IdentityProfileBulkDeleteRequest',
  minItems: 1,
  maxItems: 1000,
});

export const IdentityPreviewRequest = Type.Object(
  {
    identityId: Type.String({ minLength: 1, maxLength: 128 }),
    identityAttributeConfig: Type.Optional(IdentityAttributeConfig),
  },
  { title: 'IdentityPreviewRequest' },
);
export type IdentityPreviewRequest = Static<typeof IdentityPreviewRequest>;

export type IdentityPreviewResponse = Static<typeof IdentityPreviewResponse>;
export const IdentityPreviewResponse = Type.Object(
  {
    identity: Reference('IDENTITY', 'The previewed identity'),
    previewAttributes: Type.Array(
      Type.Object(
        {
          name: Type.String(),
          // every version's IdentityAttributePreview declares both non-nullable strings: no value, no field
          value: Type.Optional(
            Type.String({ description: 'The value the mapping gives; absent when it gives none or failed' }),
          ),
          previousValue: Type.Optional(
            Type.String({ description: 'The value processing last stored; absent when there is none' }),
          ),
          errorMessages: Type.Array(
            Type.Object({
              locale: Nullable(Type.String()),
              localeOrigin: Nullable(Type.String()),
              text: Type.String(),
            }),
          ),
        },
        { title: 'IdentityAttributePreview' },
      ),
    ),
  },
  { title: 'IdentityPreviewResponse' },
);

/** Filterable fields per endpoint (spec §3a); the repository maps them to columns. */
export const LIST_FILTERS = {
  id: { type: 'string', ops: ['eq', 'ne', 'ge', 'gt', 'in', 'le', 'sw'] },
  name: { type: 'string', ops: ['eq', 'ne', 'ge', 'gt', 'in', 'le', 'sw'] },
  priority: { type: 'integer', ops: ['eq', 'ne'] },
} as const;
export const EXPORT_FILTERS = {
  id: { type: 'string', ops: ['eq', 'ne'] },
  name: { type: 'string', ops: ['eq', 'ne'] },
  priority: { type: 'integer', ops: ['eq', 'ne'] },
} as const;
export const LIST_SORTERS = ['id', 'name', 'priority', 'created', 'modified', 'owner.id', 'owner.name'] as const;
export const EXPORT_SORTERS = ['id', 'name', 'priority'] as const;
