import type { CollectionQuery } from '../shared/collection.js';
import type { Transform } from './schema.js';

/** Named transforms (`/v3/transforms`), the targets of `reference`. */
export type StoredTransform = Transform;

export interface TransformRepository {
  list(query: CollectionQuery): Promise<{ items: StoredTransform[]; total?: number }>;
  /** `forUpdate` locks the row until the transaction ends: a write that references it meanwhile waits, or is waited for. */
  findById(id: string, options?: { forUpdate?: boolean }): Promise<StoredTransform | undefined>;
  findByName(name: string): Promise<StoredTransform | undefined>;
  all(): Promise<StoredTransform[]>;
  /** Insert and update refuse (400) a definition referencing a transform deleted since it was checked. */
  insert(transform: StoredTransform): Promise<void>;
  update(transform: StoredTransform): Promise<void>;
  /**
   * Refused (400) while a profile or transform references it: the database holds the references,
   * so this is also true of one saved at the same moment.
   */
  delete(id: string): Promise<void>;
  /** Transforms whose definition references the named one (any case). */
  referencing(name: string): Promise<Array<{ id: string; name: string }>>;
}
