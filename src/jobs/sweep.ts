import type { Logger } from 'pino';
import { isConnectionFailure } from '../db/errors.js';
import type { DomainContext } from '../domain/context.js';
import { failAbandonedTasks } from '../domain/tasks/liveness.js';

export interface TaskSweep {
  /** One pass now (also what the timer runs); resolves with the tasks it failed. */
  sweep(staleBefore?: Date): Promise<Array<{ id: string; type: string }>>;
  stop(): Promise<void>;
}

/**
 * Every `staleSeconds / 2`, fails the tasks with nothing behind them for `staleSeconds`
 * (domain/tasks/liveness.ts): a task is failed within 1.5 × `staleSeconds` of its work's last
 * sign of life. Every process with services runs it (API nodes, workers, the embedded server);
 * each task is failed once, by whichever gets there first. During a database outage a pass
 * fails quietly and the next one tries again.
 */
export function startTaskSweep(
  ctx: Pick<DomainContext, 'withTransaction' | 'now'>,
  staleSeconds: number,
  logger: Logger,
): TaskSweep {
  let running: Promise<unknown> | undefined;
  const sweep = async (staleBefore = new Date(ctx.now().getTime() - staleSeconds * 1000)) => {
    const failed = await failAbandonedTasks(ctx, staleBefore);
    if (failed.length)
      logger.warn({ tasks: failed }, 'failed tasks whose work had stopped (nothing was left to finish them)');
    return failed;
  };
  const timer = setInterval(
    () => {
      if (running) return;
      running = sweep()
        .catch((err) =>
          isConnectionFailure(err)
            ? logger.debug({ err }, 'task sweep skipped: database unavailable')
            : logger.error({ err }, 'task sweep failed'),
        )
        .finally(() => {
          running = undefined;
        });
    },
    (staleSeconds * 1000) / 2,
  );
  timer.unref();
  return {
    sweep,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
