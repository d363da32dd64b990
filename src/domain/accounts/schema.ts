import { Type, type Static } from 'typebox';
import { DateTime, Nullable } from '../shared/schema.js';

/** ISC's Account (the fields this server knows; the rest keep ISC's neutral defaults). */
export const Account = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    created: DateTime,
    modified: DateTime,
    sourceId: Type.String(),
    sourceName: Type.String(),
    identityId: Nullable(Type.String()),
    nativeIdentity: Type.String(),
    uuid: Nullable(Type.String()),
    description: Nullable(Type.String()),
    authoritative: Type.Boolean(),
    uncorrelated: Type.Boolean(),
    disabled: Type.Boolean(),
    locked: Type.Boolean(),
    systemAccount: Type.Boolean(),
    manuallyCorrelated: Type.Boolean(),
    hasEntitlements: Type.Boolean(),
    attributes: Type.Record(Type.String(), Type.Unknown()),
  },
  { description: 'An account on a source' },
);
export type Account = Static<typeof Account>;

export const ACCOUNT_FILTERS = {
  id: { type: 'string', ops: ['eq', 'in'] },
  identityId: { type: 'string', ops: ['eq', 'in'] },
  sourceId: { type: 'string', ops: ['eq', 'in'] },
  name: { type: 'string', ops: ['eq', 'in', 'sw'] },
  nativeIdentity: { type: 'string', ops: ['eq', 'in', 'sw'] },
  uncorrelated: { type: 'boolean', ops: ['eq'] },
  created: { type: 'datetime', ops: ['eq', 'gt', 'ge', 'lt', 'le'] },
  modified: { type: 'datetime', ops: ['eq', 'gt', 'ge', 'lt', 'le'] },
} as const;
export const ACCOUNT_SORTERS = ['id', 'name', 'created', 'modified', 'nativeIdentity', 'sourceId'] as const;

/** What one load changed, and the rows it refused. */
export interface LoadSummary {
  rows: number;
  added: number;
  updated: number;
  unchanged: number;
  removed: number;
  rejected: number;
  rejections: Array<{ line: number; reason: string }>;
}

/** What a load is asked to do besides applying the file (query parameters of load-accounts). */
export interface LoadOptions {
  /** Report what the load would do, with samples; write nothing. */
  dryRun?: boolean;
  /** Allow this many removals whatever the source's deleteThreshold (an operator's explicit choice). */
  allowDeletes?: number;
}
