import type { DomainContext } from '../context.js';
import { taskMessage } from './service.js';

/**
 * Telling a task whose work died from one whose work is slow. A task's work is either a job
 * (pg-boss keeps it queued, running or waiting for a retry until it ends, and gives up on it
 * through the dead-letter queue when its worker dies every time) or, before its job exists, a
 * request in progress: an upload being staged. That request proves it is alive by touching the
 * task every heartbeat (`whileAlive`), however slowly the client sends the file. A running task
 * with neither — no live job and no heartbeat for a while — has nothing behind it: its process
 * died mid-upload, or lost the database between creating the task and queuing its job, or could
 * not record a job's final failure. The sweep (`failAbandonedTasks`, run periodically by every
 * process, jobs/sweep.ts) fails it with a message saying so, instead of leaving it "running".
 */

/** How often a request with no job behind it says it is alive, unless the context says otherwise. */
const DEFAULT_HEARTBEAT_MS = 15_000;

const LOAD_TYPE = 'CLOUD_ACCOUNT_AGGREGATION';
const UPLOAD_INTERRUPTED =
  'The upload was interrupted (the server stopped, or lost its database, while reading the file); nothing was applied. Load the file again.';
const WORK_LOST =
  'The work of this task stopped before it finished (the process doing it stopped, or lost its database, and nothing is left to continue it). Nothing more will happen; start it again.';

/** Runs `work`, which has no job behind it yet, touching the task meanwhile so the sweep sees it alive. */
export async function whileAlive<T>(
  ctx: Pick<DomainContext, 'repos' | 'taskHeartbeatMs'>,
  taskId: string,
  work: () => Promise<T>,
): Promise<T> {
  const timer = setInterval(() => {
    // a missed beat is harmless (the next one, or the work's own writes, follow); the sweep allows several
    ctx.repos.tasks.touch(taskId).catch(() => undefined);
  }, ctx.taskHeartbeatMs ?? DEFAULT_HEARTBEAT_MS);
  timer.unref();
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/** Fails every running task with nothing behind it since `staleBefore`, and drops a failed upload's staged rows (one transaction). */
export async function failAbandonedTasks(
  ctx: Pick<DomainContext, 'withTransaction'>,
  staleBefore: Date,
): Promise<Array<{ id: string; type: string }>> {
  return ctx.withTransaction(async (repos) => {
    const failed = await repos.tasks.failAbandoned(
      staleBefore,
      { [LOAD_TYPE]: taskMessage('ERROR', UPLOAD_INTERRUPTED) },
      taskMessage('ERROR', WORK_LOST),
    );
    for (const task of failed) if (task.type === LOAD_TYPE) await repos.accounts.clearStaged(task.id);
    return failed;
  });
}
