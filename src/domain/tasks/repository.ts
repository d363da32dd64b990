import type { CollectionQuery } from '../shared/collection.js';
import type { TaskMessage, TaskProgress } from './schema.js';

export interface TaskRecord {
  id: string;
  type: string;
  name: string;
  description: string;
  launcher: string;
  target: { type: string; id: string; name: string } | null;
  launched: Date;
  completed: Date | null;
  completionStatus: 'Success' | 'Warning' | 'Error' | 'Terminated' | 'TempError' | null;
  progress: TaskProgress | null;
  messages: TaskMessage[];
  result: Record<string, unknown> | null;
  modified: Date;
}

/** One slice of a chunked task (process-identities), claimed and finished exactly once. */
export interface TaskChunk {
  taskId: string;
  phase: string;
  chunkNo: number;
  firstId: string | null;
  lastId: string | null;
  done: boolean;
}

export interface ChunkOutcome {
  processed: number;
  changed: number;
  failed: number;
  errors: Array<{ identityId: string; name: string; attribute?: string; message: string }>;
  summary?: unknown;
}

export interface ChunkTotals extends Omit<ChunkOutcome, 'summary'> {
  chunks: number;
  done: number;
  summaries: unknown[];
}

export interface TaskRepository {
  insert(task: TaskRecord): Promise<void>;
  findById(id: string): Promise<TaskRecord | undefined>;
  list(query: CollectionQuery): Promise<{ items: TaskRecord[]; total?: number }>;
  /** How many tasks there are of each type in each state: `Running`, or the completion status. */
  countByState(): Promise<Array<{ type: string; state: string; count: number }>>;
  /** Sets the live counters of a running task. */
  updateProgress(id: string, progress: TaskProgress): Promise<void>;
  complete(
    id: string,
    outcome: Pick<TaskRecord, 'completionStatus' | 'messages' | 'result'> & { completed: Date },
  ): Promise<void>;
  setResult(id: string, result: Record<string, unknown>): Promise<void>;
  /** Locks the task row until the transaction ends (serialises completion checks). */
  lock(id: string): Promise<TaskRecord | undefined>;
  createChunks(taskId: string, phase: string, bounds: Array<{ firstId: string; lastId: string }>): Promise<void>;
  /** The chunk, locked until the transaction ends (a duplicate delivery waits, then sees `done`). */
  lockChunk(taskId: string, phase: string, chunkNo: number): Promise<TaskChunk | undefined>;
  listChunks(taskId: string, phase: string): Promise<TaskChunk[]>;
  finishChunk(taskId: string, phase: string, chunkNo: number, outcome: ChunkOutcome): Promise<void>;
  /** Sums over the finished chunks (errors capped at `maxErrors`). */
  chunkTotals(taskId: string, maxErrors?: number): Promise<ChunkTotals>;
  /** The counts of `chunkTotals` alone, summed by the database (what a poll of a running task shows). */
  chunkProgress(taskId: string): Promise<{ chunks: number; processed: number; changed: number; failed: number }>;
  /** A sign of life from work that runs with no job behind it (an upload being staged): `modified` is now. */
  touch(id: string): Promise<void>;
  /**
   * Fails the running tasks that have nothing behind them: no job of theirs is queued, running
   * or waiting for a retry, and no sign of life (`modified`) since `staleBefore`. Each gets the
   * message for its type (or `otherwise`) added. Returns what it failed.
   */
  failAbandoned(
    staleBefore: Date,
    messages: Readonly<Record<string, TaskMessage>>,
    otherwise: TaskMessage,
  ): Promise<Array<{ id: string; type: string }>>;
}
