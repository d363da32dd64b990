import type { Logger } from 'pino';
import { Compile } from 'typebox/compile';
import type { DomainContext } from '../domain/context.js';
import type { Job, JobSettings } from '../domain/shared/job.js';
import { failTask } from '../domain/tasks/service.js';
import { NotRetryable, type JobHandler, type QueueOptions } from './queue.js';

/** Problems listed in the message of a payload that does not match (the rest are counted). */
const PROBLEMS_LISTED = 5;

/**
 * The queue's handlers of the program's jobs (domain/shared/job.ts). Every payload is checked
 * against its job's schema on receipt, before the handler sees it. One that does not match (sent
 * by another version of the program, or by hand) is not run, and not retried either — another
 * attempt would receive the same payload: the job fails at once (`NotRetryable`), with an error
 * log line naming what is wrong, and `giveUpOn` fails its task, when the payload names one
 * (`taskId`), with the same message. What a handler returns is logged when it is done.
 */
export function jobHandlers(
  jobs: readonly Job[],
  ctx: DomainContext,
  settings: JobSettings,
  logger: Logger,
): Record<string, JobHandler> {
  return Object.fromEntries(
    jobs.map((job): [string, JobHandler] => {
      const check = Compile(job.payload);
      return [
        job.name,
        async (payload) => {
          if (!check.Check(payload)) {
            const problems = [...check.Errors(payload)].map((e) => `${e.instancePath || '/'}: ${e.message}`);
            const listed =
              problems.slice(0, PROBLEMS_LISTED).join('; ') +
              (problems.length > PROBLEMS_LISTED ? `; and ${problems.length - PROBLEMS_LISTED} more` : '');
            throw new NotRetryable(`${job.name} was not run: its payload does not match the job's schema (${listed}).`);
          }
          const summary = await job.handle(ctx, payload, settings);
          if (summary) logger.info({ job: job.name, ...summary }, 'job done');
        },
      ];
    }),
  );
}

/**
 * Records a job that failed for good (`QueueOptions.onGiveUp`): its definition's `giveUp`, or by
 * default its task, when the payload names one, fails with the reason.
 */
export function giveUpOn(jobs: readonly Job[], ctx: DomainContext): NonNullable<QueueOptions['onGiveUp']> {
  const byName = new Map(jobs.map((job) => [job.name, job]));
  return (name, payload, error) => {
    const message =
      error instanceof NotRetryable
        ? error.message
        : `${name} failed after several attempts: ${(error as Error)?.message ?? String(error)}`;
    const job = byName.get(name);
    return job?.giveUp ? job.giveUp(ctx, payload, message) : failTask(ctx, payload.taskId, message);
  };
}
