import { Type, type Static } from 'typebox';
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
    identityProfile: Nullable(Type.Object({ id: Type.String(), name: Type.String() }, { description: 'The profile the identity belongs to (beyond ISC)' })),
    lifecycleState: Nullable(Type.Object({ stateName: Type.String(), manuallyUpdated: Type.Boolean() })),
  },
  { description: 'An identity' },
);
export type Identity = Static<typeof Identity>;

export const IDENTITY_FILTERS = {
  id: { type: 'string', ops: ['eq', 'in'] },
  name: { type: 'string', ops: ['eq', 'sw'] },
  alias: { type: 'string', ops: ['eq', 'sw'] },
  emailAddress: { type: 'string', ops: ['eq', 'in', 'sw'] },
  processingState: { type: 'string', ops: ['eq'] },
  identityProfileId: { type: 'string', ops: ['eq', 'in'] },
  correlated: { type: 'boolean', ops: ['eq'] },
} as const;
export const IDENTITY_SORTERS = ['name', 'alias', 'id', 'created', 'modified'] as const;
