import type { AuditEntry } from '../audit/repository.js';
import type { CollectionQuery } from '../shared/collection.js';
import type { IdentityProfile } from './schema.js';

/** A profile as read for an optimistic update: `update(…, { ifVersion: version })` writes only if the row is still this version. */
export interface VersionedProfile {
  profile: IdentityProfile;
  /** Changes with every write of the row. */
  version: string;
}

/** Who changed a profile and how, recorded with the update (the entry's entity and action are the update's). */
export type AuditNote = Pick<AuditEntry, 'actor' | 'detail'>;

/** A profile made from `current` to be stored, or undefined when there is nothing to store this way. Throws to refuse. */
export type ProfileChange = (current: IdentityProfile) => Promise<IdentityProfile | undefined>;

/** Storage the identity-profile service needs; implemented in db/repositories/identity-profiles.ts. */
export interface IdentityProfileRepository {
  list(query: CollectionQuery): Promise<{ items: IdentityProfile[]; total?: number }>;
  /** The same page as `list`, as the JSON text of the array the API answers (sent as it is: GET list). */
  listJson(query: CollectionQuery): Promise<{ json: string; total?: number }>;
  /** `forUpdate` locks the row until the transaction ends (no lost updates between concurrent PATCHes). */
  findById(id: string, options?: { forUpdate?: boolean }): Promise<IdentityProfile | undefined>;
  /** The profile as the JSON text the API answers (sent as it is: GET by id). */
  findJsonById(id: string): Promise<string | undefined>;
  findByIds(ids: readonly string[]): Promise<IdentityProfile[]>;
  findByName(name: string): Promise<IdentityProfile | undefined>;
  findByAuthoritativeSource(sourceId: string): Promise<IdentityProfile | undefined>;
  /** Highest priority number in use (null when there are no profiles). */
  maxPriority(): Promise<number | null>;
  insert(profile: IdentityProfile): Promise<void>;
  /** The stored profile with its version, read after the call was made. */
  findVersioned(id: string): Promise<VersionedProfile | undefined>;
  /**
   * Stores `profile` (every field but `created`) and, with `audit`, records the entry of its
   * update, atomically. With `ifVersion`, only if the stored row is still that version. Answers the
   * profile as written with its new version, or undefined when nothing was written (another write
   * came first, or there is no such profile).
   */
  update(
    profile: IdentityProfile,
    options?: { ifVersion?: string; audit?: AuditNote },
  ): Promise<VersionedProfile | undefined>;
  /**
   * `update(change(p), { ifVersion, audit })` for the version `p` of the profile that this
   * repository last read or wrote, without reading it again; undefined when that cannot decide the
   * outcome: there is no such version here, the row has changed since (nothing written), or
   * `change` refuses or stores nothing — judged on a version that may be outdated, so the caller
   * decides those on a read (`findVersioned`). Errors other than a refusal (an `AppError` with a 4xx status) are thrown.
   */
  updateWithoutReading(id: string, change: ProfileChange, audit: AuditNote): Promise<VersionedProfile | undefined>;
  deleteByIds(ids: readonly string[]): Promise<number>;
  /** Profiles whose mappings reference the named transform (for refusing its deletion). */
  referencingTransform(name: string): Promise<Array<{ id: string; name: string }>>;
}
