import type { CollectionQuery } from '../shared/collection.js';
import type { Account, LoadCounts, LoadSamples } from './schema.js';

export type { LoadCounts, LoadSamples } from './schema.js';

export interface StagedAccount {
  nativeIdentity: string;
  lineNo: number;
  name: string;
  attributes: Record<string, string>;
}

export interface LoadIdentityPreview {
  created: number;
  removed: number;
  samples: Pick<LoadSamples, 'identitiesCreated' | 'identitiesRemoved'>;
}

export interface AccountRepository {
  list(query: CollectionQuery): Promise<{ items: Account[]; total?: number }>;
  findById(id: string): Promise<Account | undefined>;
  anyOnSource(sourceId: string): Promise<boolean>;
  /** Stages a batch of parsed rows; returns the native identities already staged (duplicates in the file). */
  stage(taskId: string, rows: StagedAccount[]): Promise<Set<string>>;
  /** Line number where a staged native identity was first seen. */
  stagedLine(taskId: string, nativeIdentity: string): Promise<number | undefined>;
  /**
   * Full aggregation from the staged rows, set-based: upserts changed accounts and removes the
   * source's accounts missing from the file. Call inside a transaction.
   */
  applyStaged(taskId: string, sourceId: string): Promise<{ added: number; updated: number; removed: number; rows: number }>;
  clearStaged(taskId: string): Promise<void>;
  /** Read-only: the source's accounts and how many of them the staged rows would remove (cheap: no attributes compared). */
  countRemovals(taskId: string, sourceId: string): Promise<Pick<LoadCounts, 'accountsOnSource' | 'rows' | 'removed'>>;
  /** Read-only: every count applying the staged rows would report. */
  compareStaged(taskId: string, sourceId: string): Promise<LoadCounts>;
  /** Read-only: up to `limit` examples of the accounts that would be added, updated and removed. */
  sampleStaged(taskId: string, sourceId: string, limit: number): Promise<Pick<LoadSamples, 'added' | 'updated' | 'removed'>>;
  /** Read-only: the identities applying the staged rows would create and remove, with up to `limit` examples. */
  previewIdentities(taskId: string, sourceId: string, limit: number): Promise<LoadIdentityPreview>;
  /** Refreshes the planner's statistics after a large change (fresh tables otherwise get poor plans). */
  refreshStatistics(): Promise<void>;
}
