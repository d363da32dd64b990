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

export interface TaskRepository {
  insert(task: TaskRecord): Promise<void>;
  findById(id: string): Promise<TaskRecord | undefined>;
  /** Sets the live counters of a running task. */
  updateProgress(id: string, progress: TaskProgress): Promise<void>;
  complete(id: string, outcome: Pick<TaskRecord, 'completionStatus' | 'messages' | 'result'> & { completed: Date }): Promise<void>;
  /** Tasks left unfinished by a crash: marked failed so none stays "running" forever. */
  failUnfinished(olderThan: Date, message: TaskMessage): Promise<number>;
}
