import type { TaskStatus } from '../../../src/domain/tasks/schema.js';
import { waitForTask, type TestApp } from '../app.js';
import type { AppRef, Send } from './request.js';

/** A result read loosely, as suites read what a job wrote: any field, without narrowing (the default of `Task`; precise types are opt-in, e.g. `Task<LoadOutcome>`). */
export type AnyResult = Record<string, any>;

/** A task as `GET /v3/task-status/{id}` shows it, its result typed as the job that ran it writes it. */
export type Task<R = AnyResult> = Omit<TaskStatus, 'result'> & { result: R };

/** Task status: read one, or wait until it is completed (no polling: see `waitForTask`). */
export function tasksClient(app: AppRef, send: Send, base = '/v3/task-status') {
  const appOf = (): TestApp => (typeof app === 'function' ? app() : app);
  return {
    get: <R = AnyResult>(id: string) => send<Task<R>>({ method: 'GET', url: `${base}/${id}` }),
    /** The task once completed, whatever its completion status. */
    wait: <R = AnyResult>(id: string): Promise<Task<R>> => waitForTask(appOf(), id),
    /** The task once completed; throws unless it completed `Success`. */
    async succeeded<R = AnyResult>(id: string): Promise<Task<R>> {
      const done: Task<R> = await waitForTask(appOf(), id);
      if (done.completionStatus !== 'Success')
        throw new Error(`task ${id} (${done.type}) ended ${done.completionStatus}: ${JSON.stringify(done.messages)}`);
      return done;
    },
  };
}
