import type { LifecycleState, LifecycleStateWithCount } from './model.js';

/** Paging and sorting of a profile's states (ISC declares no filters here). */
export interface LifecycleStateListQuery {
  sorters: Array<{ field: 'name' | 'priority' | 'created' | 'modified'; direction: 'asc' | 'desc' }>;
  limit: number;
  offset: number;
  count: boolean;
}

/**
 * Storage of lifecycle states (db/repositories/lifecycle-states.ts). Every method is scoped to the
 * repository's tenant. `identityCount` counts the profile's identities whose `lifecycle_state` is
 * the state's technical name exactly as stored: whoever sets an identity's state writes the
 * state's `technicalName`, not the text a mapping produced.
 */
export interface LifecycleStateRepository {
  /** A page of the profile's states with their identity counts; `total` when `query.count`. */
  list(
    profileId: string,
    query: LifecycleStateListQuery,
  ): Promise<{ items: LifecycleStateWithCount[]; total?: number }>;
  /** Every state of the profile, by priority (nulls last), then name. No counts: for processing. */
  allOf(profileId: string): Promise<LifecycleState[]>;
  /** Every state of these profiles, keyed by profile id then by the technical name in lower case. */
  byTechnicalName(profileIds: readonly string[]): Promise<Map<string, Map<string, LifecycleState>>>;
  /**
   * One state with its count; `profileId` limits it to that profile (the API's path). `lock`
   * holds the row to the transaction's end: `update` for a PATCH (waits only for other writes of
   * the state), `delete` for a delete (also waits for transactions holding `lockStates`).
   */
  findById(
    id: string,
    options?: { profileId?: string; lock?: 'update' | 'delete' },
  ): Promise<LifecycleStateWithCount | undefined>;
  /**
   * Holds the profile's states (a key-share lock) until the transaction ends: a transaction that
   * puts identities into states takes it before writing them, so a state's delete — which counts
   * the state's identities under its own lock — waits for that commit and sees them (and a delete
   * in progress makes the writer wait, then find the state gone). PATCHes of states do not wait.
   */
  lockStates(profileId: string): Promise<void>;
  /** The profile's state with this technical name, whatever its case. */
  findByTechnicalName(profileId: string, technicalName: string): Promise<LifecycleState | undefined>;
  /** Identities per state of the profile, keyed by state id (states without identities are 0). */
  identityCounts(profileId: string): Promise<Map<string, number>>;
  /** Refused (400) when the profile already has the technical name in any case (unique index). */
  insert(states: readonly LifecycleState[]): Promise<void>;
  /** Writes every field but id, profile, technical name and created. */
  update(state: LifecycleState): Promise<void>;
  /** True when a row was deleted. */
  delete(profileId: string, id: string): Promise<boolean>;
}
