import type { AuditEntry } from '../audit/repository.js';
import type { CollectionQuery } from '../shared/collection.js';
import type { IdentityProfile } from './schema.js';

/** A profile as read for an optimistic update (`findVersioned`). */
export interface VersionedProfile {
  profile: IdentityProfile;
  /** Changes with every write of the row. */
  version: string;
  /** The profile as the JSON text the API answers. */
  json: string;
  /** The stored JSON of the fields from `identityAttributeConfig` on; `updateIfVersion` keeps it when they are unchanged. */
  tail: string;
}

/** Storage the identity-profile service needs; implemented in db/repositories/identity-profiles.ts. */
export interface IdentityProfileRepository {
  list(query: CollectionQuery): Promise<{ items: IdentityProfile[]; total?: number }>;
  /** The same page as `list`, as the JSON text of the array the API answers (written by the database). */
  listJson(query: CollectionQuery): Promise<{ json: string; total?: number }>;
  /** `forUpdate` locks the row until the transaction ends (no lost updates between concurrent PATCHes). */
  findById(id: string, options?: { forUpdate?: boolean }): Promise<IdentityProfile | undefined>;
  /**
   * The profile as the JSON text the API answers (GET by id). Outside a transaction, calls made in
   * the same event-loop turn share one query; each is still answered by a read that started after
   * it was made. Likewise `findVersioned`.
   */
  findJsonById(id: string): Promise<string | undefined>;
  findByIds(ids: readonly string[]): Promise<IdentityProfile[]>;
  findByName(name: string): Promise<IdentityProfile | undefined>;
  findByAuthoritativeSource(sourceId: string): Promise<IdentityProfile | undefined>;
  /** Highest priority number in use (null when there are no profiles). */
  maxPriority(): Promise<number | null>;
  insert(profile: IdentityProfile): Promise<void>;
  /** The profile with its version, for `updateIfVersion`; concurrent calls (and GETs) may share one query. */
  findVersioned(id: string): Promise<VersionedProfile | undefined>;
  /**
   * The profile as this process last read it (`findVersioned`) or wrote it (`updateIfVersion`),
   * without asking the database: it may be outdated (another process, or a write in a
   * transaction), so it is only a base for `updateIfVersion`, which refuses it if the row has
   * changed since. Undefined when there is none (never within a transaction).
   */
  lastKnownVersion(id: string): VersionedProfile | undefined;
  update(profile: IdentityProfile): Promise<void>;
  /**
   * Stores `profile` (made from `read`) and records the audit entry of its update, atomically, only
   * if the stored row is still `read`'s version: the profile as the JSON text the API answers, or
   * undefined when another write came first (nothing written).
   */
  updateIfVersion(profile: IdentityProfile, read: VersionedProfile, audit: Pick<AuditEntry, 'actor' | 'detail'>): Promise<string | undefined>;
  deleteByIds(ids: readonly string[]): Promise<number>;
  /** Profiles whose mappings reference the named transform (for refusing its deletion). */
  referencingTransform(name: string): Promise<Array<{ id: string; name: string }>>;
}
