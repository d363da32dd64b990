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
  /**
   * Loads of one source apply one at a time: waits until no other transaction holds this source's
   * load lock, then holds it until this transaction ends. Outside a transaction it only waits for
   * a load in progress (a dry run: it reads after that load, and holds nothing while it reads).
   */
  lockForLoad(id: string): Promise<void>;
  /** A load of this source, other than `exceptTaskId`, that wrote part of its file and has not completed (PGlite applies a load in several transactions). */
  unfinishedLoad(id: string, exceptTaskId: string): Promise<string | undefined>;
}
