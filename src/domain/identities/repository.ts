import type { CollectionQuery } from '../shared/collection.js';
import type { Identity } from './schema.js';

/** One identity as processing sees it: stored state plus its accounts (with source names). */
export interface IdentityForProcessing {
  id: string;
  name: string;
  attributes: Record<string, unknown>;
  managerId: string | null;
  managerAttributes: Record<string, unknown> | null;
  /** With a manager lookup: the identity owning the manager's account (null: none found). */
  correlatedManagerId?: string | null;
  /** With a mapping fingerprint: the run key to remember once it is processed without error. */
  fingerprint?: string | null;
  /** With a manager lookup: the account values the manager was looked up by (remembered for the next run's check). */
  managerKeys?: string[] | null;
  /** The technical name of the identity's lifecycle state (null: none), and whether it was set by hand. */
  lifecycleState?: string | null;
  lifecycleManual?: boolean;
  accounts: Array<{
    id: string;
    sourceId: string;
    sourceName: string;
    nativeIdentity: string;
    name: string;
    /** Date, or its ISO text (as read in chunks). */
    created: Date | string;
    modified: Date | string;
    attributes: Record<string, unknown>;
    /** As recorded (enable/disable, lifecycle account actions); absent where not read. */
    disabled?: boolean;
  }>;
}

export interface ManagerLookup {
  sourceId: string;
  accountAttributeName: string;
}

export interface ChunkOptions {
  /** Find each identity's manager through accounts while reading (see manager-lookup.ts). */
  managerLookup?: ManagerLookup;
  /**
   * The mappings' fingerprint (see purity.ts): identities processed with the same mappings (and
   * source names, and lookup) whose accounts did not change since, and whose manager would stay,
   * are left out.
   */
  fingerprint?: string;
  /** Also read each identity's manager's attributes (for mappings that may use them). */
  managerAttributes?: boolean;
  /** Read every identity of the selection, even those the fingerprint says are unchanged (it is still remembered). */
  evaluateAll?: boolean;
  /** Also read each account's `disabled` (lifecycle account actions change only accounts not already so). */
  accountStates?: boolean;
}

/** Which identities of a profile a chunk reads: an id range (a run's chunk), or given ids (at most a few hundred). */
export type ChunkSelection = { firstId: string; lastId: string } | { ids: readonly string[] };

export interface IdentityChange {
  id: string;
  attributes: Record<string, unknown>;
  processingState: 'OK' | 'ERROR';
  /** When given, the manager is set too (undefined: left as it is). */
  managerId?: string | null;
  /** The input fingerprint to remember (null: evaluate again next time, e.g. after an error). */
  fingerprint?: string | null;
  /** The manager lookup's keys to remember. */
  managerKeys?: string[] | null;
}

export interface IdentityRepository {
  list(query: CollectionQuery): Promise<{ items: Identity[]; total?: number }>;
  findById(id: string): Promise<Identity | undefined>;
  findForProcessing(id: string): Promise<IdentityForProcessing | undefined>;
  /**
   * Identities of a profile with ids in [firstId, lastId], with their accounts (see ChunkOptions),
   * and how many identities the range holds (including those the fingerprint let it skip). The
   * identities are made as they are iterated (once), so each can be garbage as soon as it is evaluated.
   */
  loadChunk(
    profileId: string,
    range: ChunkSelection,
    options?: ChunkOptions,
  ): Promise<{ identities: Iterable<IdentityForProcessing>; inRange: number }>;
  /** Records input fingerprints (and manager keys) of identities found unchanged (no other column is touched). */
  writeFingerprints(entries: Array<{ id: string; fingerprint: string; managerKeys?: string[] | null }>): Promise<void>;
  /** Chunk boundaries over a profile's identities, `size` identities each (keyset on id). */
  chunkBounds(profileId: string, size: number): Promise<Array<{ firstId: string; lastId: string; count: number }>>;
  /** Sets identities' lifecycle states (technical names; null: none), in one statement. */
  writeLifecycleStates(entries: ReadonlyArray<{ id: string; state: string | null; manual: boolean }>): Promise<void>;
  /** Writes new attributes of the identities that changed, in one statement. */
  writeAttributes(changes: IdentityChange[]): Promise<void>;
  /**
   * Manager correlation for a whole profile: an identity's manager is the identity whose
   * `identityAttributeName` equals the `accountAttributeName` of its account on `sourceId`.
   * Returns how many identities got a different manager, and how many of those had not been
   * modified since `since` (changed by correlation alone).
   */
  correlateManagers(
    profileId: string,
    sourceId: string,
    mapping: { accountAttributeName: string; identityAttributeName: string },
    since: Date,
  ): Promise<{ changed: number; notChangedBefore: number }>;
  /** Marks the profile as processed now (identities' lastRefresh derives from it). */
  markProfileProcessed(profileId: string, at: Date): Promise<void>;
  /**
   * Uncorrelated accounts of the source join the identity whose `uid` equals the account name
   * (ignoring case); with `range`, only the accounts in it.
   */
  correlateAccounts(sourceId: string, range?: AccountRange): Promise<number>;
  /**
   * New identities for uncorrelated accounts of an authoritative source (with `range`, those in it),
   * placed under its highest-priority profile.
   */
  formIdentities(sourceId: string, range?: AccountRange): Promise<{ formed: number; profileId?: string }>;
  /**
   * Each identity belongs to the highest-priority profile among its accounts' authoritative
   * sources. With `sourceIds`, only identities that have an account on one of them are looked at;
   * with `range`, only those with an account in it.
   */
  assignProfiles(
    sourceIds?: readonly string[],
    range?: AccountRange,
  ): Promise<{ moved: number; affectedProfiles: string[] }>;
  /** The profile of each of these identities that exists (null: the identity has none). */
  profilesOf(ids: readonly string[]): Promise<Array<{ id: string; profileId: string | null }>>;
  /** Identities left without any account are removed (with `among`, of those identities only). */
  removeOrphans(among?: readonly string[]): Promise<number>;
  /** Recounts `identityCount` of every profile. */
  refreshCounts(): Promise<void>;
}

/**
 * One batch of a load applied in steps: the source's accounts whose native identity is after
 * `after` (from the first when null) and up to `through`, in the order of their unique index.
 */
export interface AccountRange {
  sourceId: string;
  after: string | null;
  through: string;
}
