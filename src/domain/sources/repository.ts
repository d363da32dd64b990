import type { CollectionQuery } from '../shared/collection.js';
import type { Source } from './schema.js';

export interface SourceRepository {
  list(query: CollectionQuery): Promise<{ items: Source[]; total?: number }>;
  findById(id: string): Promise<Source | undefined>;
  findByName(name: string): Promise<Source | undefined>;
  insert(source: Source): Promise<void>;
  setDeleteThreshold(id: string, percent: number, modified: Date): Promise<void>;
  /** Remembers the account attribute names a loaded file's header declared. */
  setAccountAttributeNames(id: string, names: string[]): Promise<void>;
  delete(id: string): Promise<void>;
}
