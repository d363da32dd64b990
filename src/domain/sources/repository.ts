import type { CollectionQuery } from '../shared/collection.js';
import type { Source } from './schema.js';

export interface SourceRepository {
  list(query: CollectionQuery): Promise<{ items: Source[]; total?: number }>;
  findById(id: string): Promise<Source | undefined>;
  findByName(name: string): Promise<Source | undefined>;
  insert(source: Source): Promise<void>;
  delete(id: string): Promise<void>;
}
