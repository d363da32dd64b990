import type { CollectionQuery } from '../shared/collection.js';
import type { Account } from './schema.js';

export interface StagedAccount {
  nativeIdentity: string;
  lineNo: number;
  name: string;
  attributes: Record<string, string>;
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
  /** Refreshes the planner's statistics after a large change (fresh tables otherwise get poor plans). */
  refreshStatistics(): Promise<void>;
}
