import type { TaskRecord } from '../domain/tasks/repository.js';
import type { Metrics } from '../metrics.js';
import type { JobHandler } from './queue.js';

/** Task ids already counted, so that a job run again after completing its task does not count it twice. */
const REMEMBERED = 1000;

/**
 * Job handlers that record what they did: each job's outcome and duration, and — after a job
 * whose task is now complete (a load, a processing run's finalize, a delete) — the task's type,
 * status and duration, the identities a processing run processed and the rows a load applied or
 * rejected. Read from the task's own result after the fact: the domain knows nothing of metrics.
 */
export function measuredJobs(
  handlers: Record<string, JobHandler>,
  metrics: Metrics,
  findTask: (id: string) => Promise<TaskRecord | undefined>,
): Record<string, JobHandler> {
  const counted = new Set<string>();
  const countTask = async (taskId: string) => {
    if (counted.has(taskId)) return;
    const task = await findTask(taskId);
    if (!task?.completed || !task.completionStatus) return;
    counted.add(taskId);
    if (counted.size > REMEMBERED) counted.delete(counted.values().next().value!);
    recordTask(metrics, task);
  };
  return Object.fromEntries(
    Object.entries(handlers).map(([job, handler]): [string, JobHandler] => [
      job,
      async (payload) => {
        const end = metrics.jobDuration.startTimer({ job });
        let outcome = 'failed';
        try {
          await handler(payload);
          outcome = 'completed';
        } finally {
          end({ outcome });
          metrics.jobs.inc({ job, outcome });
        }
        // a metric is never worth failing (and retrying) a job that did its work
        if (typeof payload.taskId === 'string') await countTask(payload.taskId).catch(() => undefined);
      },
    ]),
  );
}

function recordTask(metrics: Metrics, task: TaskRecord): void {
  const labels = { type: task.type, status: task.completionStatus! };
  metrics.tasksCompleted.inc(labels);
  metrics.taskDuration.observe(labels, Math.max(0, (task.completed!.getTime() - task.launched.getTime()) / 1000));
  const result = task.result ?? {};
  if (result.dryRun) return;
  const count = (key: string) => (typeof result[key] === 'number' ? (result[key] as number) : 0);
  if (task.type === 'IDENTITY_PROFILE_PROCESS') metrics.identitiesProcessed.inc(count('processed'));
  if (task.type === 'CLOUD_ACCOUNT_AGGREGATION') {
    metrics.rowsLoaded.inc(result.refused ? 0 : count('rows'));
    metrics.rowsRejected.inc(count('rejected'));
  }
}
