import type { TaskStatus } from '../../../src/domain/tasks/schema.js';
import { waitForTask, type TestApp } from '../app.js';
import type { AppRef, Send } from './request.js';

/** A task as `GET /v3/task-status/{id}` shows it, its result typed as the job that ran it writes it. */
export type Task<R = Record<string, any>> = Omit<TaskStatus, 'result'> & { result: R };

/** Task status: read one, or wait until it is completed (no polling: see `waitForTask`). */
export function tasksClient(app: AppRef, send: Send, base = '/v3/task-status') {
  const appOf = (): TestApp => (typeof app === 'function' ? app() : app);
  return {
    get: <R = Record<string, any>>(id: string) => send<Task<R>>({ method: 'GET', url: `${base}/${id}` }),
    /** The task once completed, whatever its completion status. */
    wait: <R = Record<string, any>>(id: string): Promise<Task<R>> => waitForTask(appOf(), id),
    /** The task once completed; throws unless it completed `Success`. */
    async succeeded<R = Record<string, any>>(id: string): Promise<Task<R>> {
      const done: Task<R> = await waitForTask(appOf(), id);
      if (done.completionStatus !== 'Success') throw new Error(`task ${id} (${done.type}) ended ${done.completionStatus}: ${JSON.stringify(done.messages)}`);
      return done;
    },
  };
}
