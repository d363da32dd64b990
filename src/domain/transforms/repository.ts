import type { CollectionQuery } from '../shared/collection.js';
import type { Transform } from './schema.js';

/** Named transforms (`/v3/transforms`), the targets of `reference`. */
export type StoredTransform = Transform;

export interface TransformRepository {
  list(query: CollectionQuery): Promise<{ items: StoredTransform[]; total?: number }>;
  findById(id: string): Promise<StoredTransform | undefined>;
  findByName(name: string): Promise<StoredTransform | undefined>;
  all(): Promise<StoredTransform[]>;
  insert(transform: StoredTransform): Promise<void>;
  update(transform: StoredTransform): Promise<void>;
  delete(id: string): Promise<void>;
}
