import type { CollectionQuery } from '../shared/collection.js';
import type { Identity } from './schema.js';

/** One identity as processing sees it: stored state plus its accounts (with source names). */
export interface IdentityForProcessing {
  id: string;
  name: string;
  attributes: Record<string, unknown>;
  managerId: string | null;
  managerAttributes: Record<string, unknown> | null;
  accounts: Array<{
    id: string;
    sourceId: string;
    sourceName: string;
    nativeIdentity: string;
    name: string;
    created: Date;
    modified: Date;
    attributes: Record<string, unknown>;
  }>;
}

export interface IdentityRepository {
  list(query: CollectionQuery): Promise<{ items: Identity[]; total?: number }>;
  findById(id: string): Promise<Identity | undefined>;
  findForProcessing(id: string): Promise<IdentityForProcessing | undefined>;
  /** Identities of a profile with ids in [firstId, lastId], with their accounts. */
  loadChunk(profileId: string, firstId: string, lastId: string): Promise<IdentityForProcessing[]>;
  /** Chunk boundaries over a profile's identities, `size` identities each (keyset on id). */
  chunkBounds(profileId: string, size: number): Promise<Array<{ firstId: string; lastId: string; count: number }>>;
  /** Writes new attributes of the identities that changed, in one statement. */
  writeAttributes(changes: Array<{ id: string; attributes: Record<string, unknown>; processingState: 'OK' | 'ERROR' }>): Promise<void>;
  /**
   * Manager correlation for a whole profile: an identity's manager is the identity whose
   * `identityAttributeName` equals the `accountAttributeName` of its account on `sourceId`.
   * Returns how many identities got a different manager, and how many of those had not been
   * modified since `since` (changed by correlation alone).
   */
  correlateManagers(profileId: string, sourceId: string, mapping: { accountAttributeName: string; identityAttributeName: string }, since: Date): Promise<{ changed: number; notChangedBefore: number }>;
  /** Marks the profile as processed now (identities' lastRefresh derives from it). */
  markProfileProcessed(profileId: string, at: Date): Promise<void>;
  /** New identities for uncorrelated accounts of an authoritative source. */
  formIdentities(sourceId: string): Promise<number>;
  /** Each identity belongs to the highest-priority profile among its accounts' authoritative sources. */
  assignProfiles(): Promise<{ moved: number; affectedProfiles: string[] }>;
  /** Identities left without any account are removed. */
  removeOrphans(): Promise<number>;
  /** Recounts `identityCount` of every profile. */
  refreshCounts(): Promise<void>;
}
