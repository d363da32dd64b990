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
  { title: 'Account', description: 'An account on a source' },
);
export type Account = Static<typeof Account>;

/** accounts.v1 declares `identityId` a non-nullable string: the per-service layout leaves it out on an uncorrelated account. */
export const PerServiceAccount = Type.Object(
  { ...Account.properties, identityId: Type.Optional(Type.String()) },
  { title: 'AccountV1', description: 'An account on a source (accounts.v1)' },
);
export type PerServiceAccount = Static<typeof PerServiceAccount>;
export const toPerServiceAccount = ({ identityId, ...rest }: Account): PerServiceAccount => ({
  ...rest,
  ...(identityId === null ? {} : { identityId }),
});

/** accounts.v1's filters and sorters, for the fields this server keeps (plus `disabled`, beyond ISC). */
export const ACCOUNT_FILTERS = {
  id: { type: 'string', ops: ['eq', 'in', 'sw'] },
  identityId: { type: 'string', ops: ['eq', 'in', 'sw'] },
  sourceId: { type: 'string', ops: ['eq', 'in', 'sw'] },
  disabled: { type: 'boolean', ops: ['eq'] },
  hasEntitlements: { type: 'boolean', ops: ['eq'] },
  manuallyCorrelated: { type: 'boolean', ops: ['eq'] },
  name: { type: 'string', ops: ['eq', 'in', 'sw'] },
  nativeIdentity: { type: 'string', ops: ['eq', 'in', 'sw'] },
  uncorrelated: { type: 'boolean', ops: ['eq'] },
  created: { type: 'datetime', ops: ['eq', 'gt', 'ge', 'lt', 'le'] },
  modified: { type: 'datetime', ops: ['eq', 'gt', 'ge', 'lt', 'le'] },
} as const;
export const ACCOUNT_SORTERS = [
  'id',
  'name',
  'created',
  'modified',
  'nativeIdentity',
  'sourceId',
  'identityId',
] as const;

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

/** Why a load applied nothing, with the numbers behind it (its task's error message says it in words). */
export interface LoadRefused {
  reason: 'noRows' | 'deleteThreshold';
  accountsOnSource: number;
  wouldRemove: number;
  deleteThreshold: number;
  deletesAllowed: number;
}

/** A finished load's task result: what it changed (all 0 when refused), and the processing runs it started. */
export interface LoadOutcome extends LoadSummary {
  identitiesCreated: number;
  identitiesRemoved: number;
  processingTaskIds: string[];
  refused?: LoadRefused;
}

/** What a load is asked to do besides applying the file (query parameters of load-accounts). */
export interface LoadOptions {
  /** Report what the load would do, with samples; write nothing. */
  dryRun?: boolean;
  /** Allow this many removals whatever the source's deleteThreshold (an operator's explicit choice). */
  allowDeletes?: number;
}

/** What applying a load's staged rows would do to the source's accounts. */
export interface LoadCounts {
  /** The source's accounts before the load (the base of the delete threshold's percentage). */
  accountsOnSource: number;
  /** Staged (accepted) rows. */
  rows: number;
  added: number;
  updated: number;
  unchanged: number;
  removed: number;
}

/** Examples of what a load would change: rows by file line, accounts and identities by name. */
export interface LoadSamples {
  added: Array<{ line: number; nativeIdentity: string; name: string }>;
  /** `changed`: the attributes whose values differ. */
  updated: Array<{ line: number; nativeIdentity: string; name: string; changed: string[] }>;
  removed: Array<{ nativeIdentity: string; name: string }>;
  identitiesCreated: Array<{ line: number; nativeIdentity: string; name: string }>;
  identitiesRemoved: Array<{ id: string; name: string }>;
}

/** A dry run's result: every count the real load would report, with examples, and whether it would be refused. */
export interface LoadPreview extends LoadCounts {
  dryRun: true;
  rejected: number;
  rejections: LoadSummary['rejections'];
  identitiesCreated: number;
  identitiesRemoved: number;
  deleteThreshold: number;
  deletesAllowed: number;
  samples: LoadSamples;
  /** The message the real load would end in error with; absent when it would apply. */
  refusal?: string;
}
