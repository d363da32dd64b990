import type { Logger } from 'pino';
import type { Config } from './config.js';
import { probeForHealth, whenDatabaseAvailable, type Database, type ProbeNote } from './db/database.js';
import { throughBoundary } from './db/boundary.js';
import { createClientRepository, createRepositories, transactionRunner } from './db/repositories/index.js';
import { loadSigningKey } from './db/repositories/settings.js';
import type { DomainContext, JobQueue } from './domain/context.js';
import type { ApiClientRepository } from './domain/clients/repository.js';
import { createTokenService, type TokenService } from './domain/clients/tokens.js';
import { loadJob } from './domain/accounts/load.js';
import { CompiledMappingsCache } from './domain/identities/chunk.js';
import { chunkJob, finalizeJob, planJob } from './domain/identities/processing.js';
import { selectedJob } from './domain/identities/process-selected.js';
import { deleteJob } from './domain/identity-profiles/delete.js';
import { scheduledJob } from './domain/identity-profiles/scheduled.js';
import { newId } from './domain/shared/schema.js';
import type { Job, JobSettings } from './domain/shared/job.js';
import { TransactionPace } from './domain/shared/transaction-pace.js';
import { checkTransformDefinition } from './domain/transforms/check.js';
import { giveUpOn, jobHandlers } from './jobs/handlers.js';
import { measuredJobs } from './jobs/metrics.js';
import { startJobQueue, type JobHandler, type RunningQueue } from './jobs/queue.js';
import { startTaskSweep } from './jobs/sweep.js';
import { createMetrics, type Metrics } from './metrics.js';

/** Everything the HTTP layer and the workers use, wired once per process. */
export interface Services {
  database: Database;
  ctx: DomainContext;
  clients: ApiClientRepository;
  tokens: TokenService;
  queue: RunningQueue;
  /** This process's Prometheus metrics (served by the HTTP layer, or on a port of their own). */
  metrics: Metrics;
  /** Does the database answer? For /health: rejects with a description fit to show anyone (db/database.ts). */
  probeDatabase(): Promise<ProbeNote | void>;
  close(): Promise<void>;
}

/** Every job of the program, each defined beside its work in domain/; their names are pg-boss's queues. */
export const JOBS: readonly Job[] = [deleteJob, loadJob, planJob, chunkJob, finalizeJob, selectedJob, scheduledJob];
/**
 * PGlite's one session is held by a transaction until it ends, and requests wait for it: load
 * transactions and an upload's staging statements are sized to last about 70 ms each (TransactionPace),
 * processing transactions take 500 identities (each its own job). Shorter, and each transaction's
 * fixed statements slow the load or the run down; longer, and a request's p99 grows with them
 * (bench/pglite-responsiveness; the figures are in BENCHMARKS.md, "PGlite responsiveness").
 */
const pgliteLoadPace = () => new TransactionPace({ initial: 250, min: 50, max: 5_000, targetMs: 70 });
const pgliteStagingPace = () => new TransactionPace({ initial: 250, min: 50, max: 2_000, targetMs: 70 });
const PGLITE_CHUNK_TRANSACTION = 500;

export interface ServiceOptions {
  config: Pick<Config, 'tokenTtlSeconds'>;
  logger: Logger;
  /** Run job handlers in this process (embedded/serve) or only enqueue (API node with workers). */
  runJobs: boolean;
  /** pg-boss schema name. */
  queueSchema?: string;
  pollingIntervalSeconds?: number;
  /** Identities per processing chunk (tests use small chunks to exercise several). */
  chunkSize?: number;
  /**
   * Rows a load applies per transaction (default: all in one on PostgreSQL; on PGlite, whose one
   * session a transaction holds, as many as take about 70 ms; domain/accounts/apply.ts).
   */
  loadBatchSize?: number;
  /** Chunks this process works on at once, on PostgreSQL (embedded PGlite has one connection: one). */
  chunkConcurrency?: number;
  /** Seconds before a dead worker's job is retried, and how often that is checked (tests: short). */
  jobExpireSeconds?: number;
  maintenanceIntervalSeconds?: number;
  /** A running task with nothing behind it for this long is failed (jobs/sweep.ts; default 60). */
  taskStaleSeconds?: number;
  /**
   * Scheduled processing (domain/identity-profiles/scheduled.ts): a cron and its time zone, or
   * `off`. Absent (tests): the stored schedule is left as it is and this process watches no clock.
   */
  processingSchedule?: { cron: string; timeZone: string } | 'off';
  /** The clock (tests move it; default the system's). */
  now?: () => Date;
}

export async function createServices(database: Database, options: ServiceOptions): Promise<Services> {
  const { db } = database;
  const queueSchema = options.queueSchema ?? 'pgboss';
  const staleSeconds = options.taskStaleSeconds ?? 60;
  let queue: RunningQueue | undefined;
  const started = () => {
    if (!queue) throw new Error('job queue not started');
    return queue;
  };
  // pg-boss writes to the database too: a request that queues a job sees its failures as domain errors
  const jobs = throughBoundary<JobQueue>({
    enqueue: (job, payload) => started().enqueue(job.name, payload),
    enqueueMany: (job, payloads) => started().enqueueMany(job.name, payloads),
  });
  const ctx: DomainContext = {
    repos: createRepositories(db, { jobSchema: queueSchema }),
    withTransaction: transactionRunner(db, { jobSchema: queueSchema }),
    now: options.now ?? (() => new Date()),
    newId,
    jobs,
    checkTransform: checkTransformDefinition,
    compiledMappings: new CompiledMappingsCache(),
    ...(database.kind === 'pglite' ? { stagingPace: pgliteStagingPace } : {}),
    // several beats per stale period: a slow upload is never mistaken for a dead one
    taskHeartbeatMs: (staleSeconds * 1000) / 4,
  };
  const settings: JobSettings = {
    chunkSize: options.chunkSize,
    chunkTransactionSize: database.kind === 'pglite' ? PGLITE_CHUNK_TRANSACTION : undefined,
    loadBatches: options.loadBatchSize ?? (database.kind === 'pglite' ? pgliteLoadPace : undefined),
  };
  const metrics = createMetrics({
    tasks: () => ctx.repos.tasks.countByState(),
    queue: () => started().depth(),
    pool: () => database.usage(),
  });
  const measured = measuredJobs(jobHandlers(JOBS, ctx, settings, options.logger), metrics, (id) =>
    ctx.repos.tasks.findById(id),
  );
  // job work gives way to requests on PGlite's one session (db/pglite-session.ts)
  const inBackground =
    (handler: JobHandler): JobHandler =>
    (p) =>
      database.inBackground(() => handler(p));
  queue = await startJobQueue(database.sqlExecutor, {
    schema: queueSchema,
    queues: JOBS.map((job) => job.name),
    handlers: options.runJobs
      ? Object.fromEntries(Object.entries(measured).map(([name, handler]) => [name, inBackground(handler)]))
      : {},
    logger: options.logger,
    pollingIntervalSeconds: options.pollingIntervalSeconds,
    expireInSeconds: options.jobExpireSeconds ?? 120,
    maintenanceIntervalSeconds:
      options.maintenanceIntervalSeconds ??
      Math.max(1, Math.min(30, Math.floor((options.jobExpireSeconds ?? 120) / 2))),
    recoverAbandoned: database.kind === 'pglite' && options.runJobs,
    waitForDatabase: (signal) => whenDatabaseAvailable(database, signal),
    // PGlite's one session runs one job at a time
    concurrency:
      database.kind === 'postgres'
        ? Object.fromEntries(
            JOBS.filter((job) => job.concurrent).map((job) => [job.name, options.chunkConcurrency ?? 3]),
          )
        : {},
    ...(options.processingSchedule ? { schedules: { [scheduledJob.name]: options.processingSchedule } } : {}),
    onGiveUp: giveUpOn(JOBS, ctx),
  });
  const sweep = startTaskSweep(ctx, staleSeconds, options.logger);
  // embedded: this process owns the database, so a task with nothing behind it now is from a previous run
  if (database.kind === 'pglite' && options.runJobs) await sweep.sweep(ctx.now());
  const tokens = createTokenService(await loadSigningKey(db), options.config.tokenTtlSeconds);
  return {
    database,
    ctx,
    clients: createClientRepository(db),
    tokens,
    queue,
    metrics,
    probeDatabase: () => probeForHealth(database),
    close: async () => {
      await sweep.stop();
      await queue?.stop();
    },
  };
}
