import type { Static, TObject } from 'typebox';
import type { DomainContext } from '../context.js';
import type { TransactionPace } from './transaction-pace.js';

/**
 * A kind of background work, defined once beside the domain work it does: the queue's name, the
 * payload's schema and the handler. Senders pass the definition to `ctx.jobs.enqueue`, which takes
 * only a payload of its type; the runner (jobs/handlers.ts) checks every payload it receives
 * against the schema before the handler sees it, because a queued job may have been sent by an
 * older version or by hand. The domain never sees the queue (pg-boss): services.ts lists the jobs.
 */
export interface Job<P = unknown> {
  /** The queue's name in pg-boss. Never rename one: the jobs already queued in a database carry it. */
  readonly name: string;
  /**
   * What a payload must hold. Keys it does not list are allowed: the queue adds its own (`$job`),
   * and an older sender may have added others.
   */
  readonly payload: TObject;
  /**
   * Does the work. A job may be delivered twice and is retried after a failure, so it must be
   * idempotent. What it returns is logged (a job that no task reports on says what it did there).
   */
  handle(ctx: DomainContext, payload: P, settings: JobSettings): Promise<JobSummary | void>;
  /**
   * Once the job has failed for good (its last attempt, or a payload that does not match): records
   * it. Default: the task named by the payload's `taskId`, if any, fails with the message. The
   * payload is as received, unchecked; this may run twice for one job.
   */
  giveUp?(ctx: DomainContext, payload: Readonly<Record<string, unknown>>, message: string): Promise<void>;
  /**
   * Several of these run at once in one process on PostgreSQL (`ServiceOptions.chunkConcurrency`);
   * PGlite's one session runs one at a time.
   */
  readonly concurrent?: boolean;
}

/** What a job's handler logs when it is done. */
export type JobSummary = Record<string, string | number | boolean>;

/** Sizes the process chooses for its jobs' work (services.ts; tests choose small ones). */
export interface JobSettings {
  /** Identities a processing chunk job covers (default CHUNK_SIZE). */
  chunkSize?: number;
  /** Identities per transaction of a chunk job (default: the whole job; PGlite: fewer). */
  chunkTransactionSize?: number;
  /**
   * Rows a load applies per transaction: a fixed count (tests) or a pace that sizes each by the
   * time the last ones took (PGlite); absent, all in one (PostgreSQL).
   */
  loadBatches?: number | (() => TransactionPace);
}

/**
 * A job whose handler takes a payload of its schema's type, e.g.
 * `defineJob({ name: 'identity-profiles.delete', payload: Type.Object({ taskId: Type.String() }), handle: (ctx, { taskId }) => … })`.
 */
export function defineJob<S extends TObject>(job: {
  name: string;
  payload: S;
  handle(ctx: DomainContext, payload: Static<S>, settings: JobSettings): Promise<JobSummary | void>;
  giveUp?: Job['giveUp'];
  concurrent?: boolean;
}): Job<Static<S>> {
  return job;
}
