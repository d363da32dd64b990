import type { Logger } from 'pino';
import type { SqlExecutor } from '../db/database.js';
import { describeFailure, isConnectionFailure } from '../db/errors.js';

/**
 * How the job queue lives through a database outage (PostgreSQL restarted, failed over, or its
 * sessions terminated):
 *
 * - pg-boss's own statements (fetching, completing and failing jobs, maintenance) wait for the
 *   database and run again, instead of failing. pg-boss completes and fails jobs without awaiting
 *   the promise, so a rejection there would be unhandled and end the process; and a job whose
 *   completion was lost would be run again for nothing. While the queue stops they give up
 *   quietly instead (`{ rows: [] }`): the job stays active and is retried after it expires.
 * - A handler that failed only because the connection was lost runs again in place once the
 *   database answers (`runAgainAfterOutage`), without using one of the job's attempts: handlers
 *   are idempotent (a chunk is marked done in the transaction that writes it), and a run in
 *   progress then finishes instead of failing after three quick retries. An outage longer than
 *   the job's expiry (IDPROFILES_JOB_EXPIRE_SECONDS) still counts as an attempt: pg-boss gives
 *   the job to another worker then.
 */

/** Resolves once the database answers again; rejects when `signal` aborts. */
export type WaitForDatabase = (signal: AbortSignal) => Promise<void>;

/** Re-runs of one attempt after outages before the failure counts as an attempt (a guard against a loop). */
const MAX_RERUNS_AFTER_OUTAGE = 10;

/** pg-boss's executor: a statement cut off by a lost connection runs again once the database is back. */
export function waitingExecutor(
  sql: SqlExecutor,
  wait: WaitForDatabase,
  stopping: AbortSignal,
  logger: Logger,
): SqlExecutor {
  return {
    async executeSql(text, values) {
      for (;;) {
        try {
          return await sql.executeSql(text, values);
        } catch (e) {
          if (!isConnectionFailure(e)) throw e;
          if (stopping.aborted) return { rows: [] };
          logger.debug({ cause: describeFailure(e) }, 'job queue statement waits for the database');
          const back = await wait(stopping).then(
            () => true,
            () => false,
          );
          if (!back) return { rows: [] };
        }
      }
    },
  };
}

/**
 * Runs `attempt`; when it fails only because the database connection was lost, waits for the
 * database and runs it again (up to MAX_RERUNS_AFTER_OUTAGE times, and not once the queue stops).
 */
export async function runAgainAfterOutage(
  attempt: () => Promise<void>,
  wait: WaitForDatabase | undefined,
  stopping: AbortSignal,
  logger: Logger,
  job: object,
): Promise<void> {
  for (let reruns = 0; ; reruns++) {
    try {
      return await attempt();
    } catch (e) {
      if (!wait || !isConnectionFailure(e) || reruns >= MAX_RERUNS_AFTER_OUTAGE || stopping.aborted) throw e;
      logger.warn(
        { ...job, cause: describeFailure(e) },
        'job interrupted by a lost database connection; it runs again once the database answers',
      );
      const back = await wait(stopping).then(
        () => true,
        () => false,
      );
      if (!back) throw e;
      logger.info(job, 'job runs again: the database answers');
    }
  }
}
