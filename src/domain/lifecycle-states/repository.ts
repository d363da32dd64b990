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
  list(profileId: string, query: LifecycleStateListQuery): Promise<{ items: LifecycleStateWithCount[]; total?: number }>;
  /** Every state of the profile, by priority (nulls last), then name. No counts: for processing. */
  allOf(profileId: string): Promise<LifecycleState[]>;
  /** Every state of these profiles, keyed by profile id then by the technical name in lower case. */
  byTechnicalName(profileIds: readonly string[]): Promise<Map<string, Map<string, LifecycleState>>>;
  /** One state with its count; `profileId` limits it to that profile (the API's path). */
  findById(id: string, options?: { profileId?: string; forUpdate?: boolean }): Promise<LifecycleStateWithCount | undefined>;
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
