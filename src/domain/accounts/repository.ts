import type { AccountRange } from '../identities/repository.js';
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

/**
 * Which accounts an enable/disable acts on: these ids, or the accounts of one identity — on the
 * listed sources only (`sourceIds`), or on all but some (`excludeSourceIds`), or on all of them.
 */
export type AccountSelector =
  | { accountIds: readonly string[] }
  | { identityId: string; sourceIds?: readonly string[]; excludeSourceIds?: readonly string[] };

/** One account an enable/disable selected, and whether it changed (false: it already was so). */
export interface AccountStateChange {
  id: string;
  name: string;
  sourceId: string;
  identityId: string | null;
  changed: boolean;
}

export interface AccountRepository {
  list(query: CollectionQuery): Promise<{ items: Account[]; total?: number }>;
  findById(id: string): Promise<Account | undefined>;
  anyOnSource(sourceId: string): Promise<boolean>;
  /** Sets `disabled` on the selected accounts (locked for the rest of the transaction); every selected account, in id order. */
  setDisabled(selector: AccountSelector, disabled: boolean): Promise<AccountStateChange[]>;
  /** Stages a batch of parsed rows; returns the native identities already staged (duplicates in the file). */
  stage(taskId: string, rows: StagedAccount[]): Promise<Set<string>>;
  /** Line number where a staged native identity was first seen. */
  stagedLine(taskId: string, nativeIdentity: string): Promise<number | undefined>;
  /**
   * A full aggregation's removals, one batch: of the source's next `limit` accounts (all without
   * one) in native identity order after `after`, removes those the staged file does not name.
   * `through`: the last account looked at (null when there were none left); `identityIds`: the
   * identities the removed accounts belonged to.
   */
  removeMissing(
    taskId: string,
    sourceId: string,
    after: string | null,
    limit?: number,
  ): Promise<{ through: string | null; removed: number; identityIds: string[] }>;
  /**
   * A full aggregation's upserts, one batch: the next `limit` staged rows (all without one) in
   * native identity order after `after` are added, or update their account where they differ.
   * A new account is written placed, once: joined to the identity whose `uid` equals its name
   * (ignoring case; `correlated`), or else — on an authoritative source — with a new identity of
   * its own under the source's highest-priority profile (`formed`, `profileId`), as
   * `correlateAccounts` and `formIdentities` would place it afterwards.
   * `unplaced`: the batch's accounts that were there before, still without an identity.
   * `through`: the batch's last native identity (null when none were left).
   */
  upsertStaged(
    taskId: string,
    sourceId: string,
    after: string | null,
    limit?: number,
  ): Promise<{
    through: string | null;
    rows: number;
    added: number;
    updated: number;
    correlated: number;
    formed: number;
    unplaced: number;
    profileId?: string;
  }>;
  /** Drops a load's staged rows (with `range`, those of its native identities). */
  clearStaged(taskId: string, range?: Pick<AccountRange, 'after' | 'through'>): Promise<void>;
  /** Read-only: the source's accounts and how many of them the staged rows would remove (cheap: no attributes compared). */
  countRemovals(taskId: string, sourceId: string): Promise<Pick<LoadCounts, 'accountsOnSource' | 'rows' | 'removed'>>;
  /** Read-only: every count applying the staged rows would report. */
  compareStaged(taskId: string, sourceId: string): Promise<LoadCounts>;
  /** Read-only: up to `limit` examples of the accounts that would be added, updated and removed. */
  sampleStaged(
    taskId: string,
    sourceId: string,
    limit: number,
  ): Promise<Pick<LoadSamples, 'added' | 'updated' | 'removed'>>;
  /** Read-only: the identities applying the staged rows would create and remove, with up to `limit` examples. */
  previewIdentities(taskId: string, sourceId: string, limit: number): Promise<LoadIdentityPreview>;
  /** Refreshes the planner's statistics after a large change (fresh tables otherwise get poor plans). */
  refreshStatistics(): Promise<void>;
  /**
   * The same for the staged rows, before they are applied in batches: without statistics the
   * planner read all the rows after a batch's start and sorted them, for every batch.
   */
  refreshStagedStatistics(): Promise<void>;
}
