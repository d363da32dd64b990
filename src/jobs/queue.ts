import { EventEmitter } from 'node:events';
import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { SqlExecutor } from '../db/database.js';
import { runAgainAfterOutage, waitingExecutor, type WaitForDatabase } from './outage.js';

export type JobHandler = (payload: Record<string, unknown>) => Promise<void>;

/**
 * A handler's failure that another attempt cannot change (a payload that does not match its
 * job's schema): the job gets no more attempts — pg-boss records it failed and copies it to the
 * dead-letter queue, as after its last attempt — and `onGiveUp` is called at once.
 */
export class NotRetryable extends Error {}

export interface QueueOptions {
  /** Schema for pg-boss's tables (tests: one per test database). */
  schema: string;
  /** Every queue this program sends to. */
  queues: readonly string[];
  /** Handlers to run in this process; none = enqueue only (an API node with separate workers). */
  handlers: Record<string, JobHandler>;
  /** Jobs of a queue this process runs at the same time (default 1). */
  concurrency?: Record<string, number>;
  /**
   * Called once a job has failed its last attempt (e.g. to mark its task failed): at once when its
   * handler threw, and through the dead-letter queue when its worker died every time (pg-boss
   * expires such a job; a process with handlers then gives up on it). May run twice for a job.
   */
  onGiveUp?: (name: string, payload: Record<string, unknown>, error: unknown) => Promise<void>;
  /** Attempts after the first (default 3). */
  retryLimit?: number;
  logger: Logger;
  pollingIntervalSeconds?: number;
  /** A job whose worker died is retried after this long (it must exceed the longest job). */
  expireInSeconds?: number;
  /** How often pg-boss looks for expired jobs. */
  maintenanceIntervalSeconds?: number;
  /**
   * Retry at once the jobs left active by a previous run of this process. Only right when no
   * other process can be working on them: embedded PGlite, which one process owns.
   */
  recoverAbandoned?: boolean;
  /**
   * Resolves once the database answers again: pg-boss's statements and handlers that failed only
   * because the connection was lost wait for it and run again (outage.ts). Absent: they fail.
   */
  waitForDatabase?: WaitForDatabase;
  /**
   * Cron schedules of queues (pg-boss's, in its `schedule` table: the same for every process), set
   * at start: a queue's job is sent at each time the cron names, in its time zone; `off` removes
   * the queue's schedule. With any schedule on, this process also watches the clock: every
   * process does, and pg-boss lets one of them send each firing (a lock on its cron time, and a
   * one-minute singleton per schedule). Absent: schedules stay as they are and this process does
   * not watch the clock.
   */
  schedules?: Record<string, { cron: string; timeZone: string } | 'off'>;
}

/** The queue by name, untyped: the domain sends through `JobQueue` (a job's definition and its payload), services.ts. */
export interface RunningQueue {
  enqueue(name: string, payload: object): Promise<void>;
  /** Queues several jobs of one kind with one statement. */
  enqueueMany(name: string, payloads: readonly object[]): Promise<void>;
  /** Emits `done` (name, payload, error?) after each job this process ran: lets tests and the CLI wait without polling. */
  events: EventEmitter;
  /** Jobs queued (created, retry) or running (active) now, by job name: across every process sharing the queue. */
  depth(): Promise<Array<{ job: string; state: string; count: number }>>;
  stop(): Promise<void>;
}

const RETRY_LIMIT = 3;
/** Where pg-boss puts a copy of every job that failed its last attempt, however it failed. */
export const DEAD_LETTER_QUEUE = 'idprofiles.dead-letter';
/** Payload key naming the job, for the dead-letter copy (pg-boss copies the payload, not the name). */
const JOB_NAME = '$job';

/**
 * pg-boss on our own connections (`db` option): the same code on PGlite embedded and on
 * PostgreSQL, where any number of `idprofiles worker` processes share the queues. A job sent
 * from this process wakes the local worker at once instead of waiting for the next poll.
 */
export async function startJobQueue(sql: SqlExecutor, options: QueueOptions): Promise<RunningQueue> {
  // pg-boss completes and fails jobs without awaiting those queries; they are tracked here so
  // that stop() can let them land before the database closes.
  const queries = new Set<Promise<unknown>>();
  const stopping = new AbortController();
  const ours = options.waitForDatabase
    ? waitingExecutor(sql, options.waitForDatabase, stopping.signal, options.logger)
    : sql;
  const executeSql = (text: string, values: unknown[]) => {
    const q = ours.executeSql(text, values);
    queries.add(q);
    q.then(
      () => queries.delete(q),
      () => queries.delete(q),
    );
    return q;
  };
  // jobs sent by requests and handlers go straight to the database: during an outage the request
  // answers 503 at once (and a handler runs again when the database is back), never waits
  const direct = { db: sql };
  const boss = new PgBoss({
    db: { executeSql },
    schema: options.schema,
    supervise: true,
    schedule: Object.values(options.schedules ?? {}).some((s) => s !== 'off'),
    retryLimit: options.retryLimit ?? RETRY_LIMIT,
    retryDelay: 1,
    expireInSeconds: options.expireInSeconds ?? 15 * 60,
    maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 30,
  });
  boss.on('error', (err) => options.logger.error({ err }, 'job queue error'));
  await boss.start();
  await boss.createQueue(DEAD_LETTER_QUEUE);
  for (const name of options.queues) {
    await boss.createQueue(name, { name, deadLetter: DEAD_LETTER_QUEUE });
    await boss.updateQueue(name, { name, deadLetter: DEAD_LETTER_QUEUE }); // queues made by an earlier version
  }
  for (const [name, schedule] of Object.entries(options.schedules ?? {})) {
    if (schedule === 'off') await boss.unschedule(name);
    // singletonKey: at most one of the queue's scheduled jobs waiting or running at a time
    else await boss.schedule(name, schedule.cron, { [JOB_NAME]: name }, { tz: schedule.timeZone, singletonKey: name });
  }
  if (options.recoverAbandoned) await recoverAbandoned(sql, boss, options);
  const workers = new Map<string, string[]>();
  const addWorker = (name: string, id: string) => workers.set(name, [...(workers.get(name) ?? []), id]);
  // every worker of the queue: with one woken, the others slept until their next poll and a
  // run's chunks went one at a time for the first polling interval
  const wake = (name: string) => {
    for (const id of workers.get(name) ?? []) boss.notifyWorker(id);
  };
  const events = new EventEmitter();
  const running = new Set<Promise<unknown>>();
  // the retry limit is the job's own (set when it was sent): lowered to the attempts made, its next failure is its last
  const endRetries = (id: string) =>
    executeSql(`update ${options.schema}.job set retry_limit = retry_count where id = $1`, [id]);
  const worker = { events, running, stopping: stopping.signal, endRetries };
  for (const [name, handler] of Object.entries(options.handlers)) {
    for (let i = 0; i < (options.concurrency?.[name] ?? 1); i++) {
      addWorker(name, await startWorker(boss, name, handler, options, worker));
    }
  }
  const onGiveUp = options.onGiveUp;
  if (onGiveUp && Object.keys(options.handlers).length > 0) {
    // a job whose every attempt ended with its worker gone never reaches runOne's last catch
    const giveUp: JobHandler = (payload) =>
      onGiveUp(
        String(payload[JOB_NAME] ?? DEAD_LETTER_QUEUE),
        payload,
        new Error('its last attempt did not finish (its worker stopped or exceeded the job time limit)'),
      );
    addWorker(
      DEAD_LETTER_QUEUE,
      await startWorker(boss, DEAD_LETTER_QUEUE, giveUp, { ...options, onGiveUp: undefined }, worker),
    );
  }
  return {
    events,
    async depth() {
      const { rows } = await sql.executeSql(
        `select name, state::text as state, count(*)::int as count from ${options.schema}.job where state in ('created', 'retry', 'active') group by name, state`,
        [],
      );
      return rows.map((r) => ({ job: r.name as string, state: r.state as string, count: Number(r.count) }));
    },
    async enqueue(name, payload) {
      if (stopping.signal.aborted) throw new Error(`the job queue is stopping; '${name}' was not queued`);
      await boss.send(name, { ...payload, [JOB_NAME]: name }, direct);
      wake(name);
    },
    async enqueueMany(name, payloads) {
      if (stopping.signal.aborted) throw new Error(`the job queue is stopping; '${name}' was not queued`);
      if (!payloads.length) return;
      await boss.insert(
        payloads.map((payload) => ({ name, data: { ...payload, [JOB_NAME]: name } })),
        direct,
      );
      wake(name);
    },
    /**
     * Stops fetching, lets the jobs in hand finish and pg-boss record their outcome, then stops
     * pg-boss — all before the caller closes the database. During an outage nothing waits for the
     * database any more: what could not be recorded is retried after the job expires.
     */
    async stop() {
      stopping.abort();
      await Promise.all([...workers.keys()].map((name) => boss.offWork(name)));
      await Promise.allSettled([...running]);
      await new Promise((resolve) => setImmediate(resolve)); // pg-boss's complete()/fail() follow the handler
      await Promise.allSettled([...queries]);
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
      await Promise.allSettled([...queries]);
    },
  };
}

/** What this process's workers share. */
interface Workers {
  events: EventEmitter;
  /** The batches being worked on now (stop() waits for them). */
  running: Set<Promise<unknown>>;
  stopping: AbortSignal;
  /** Makes the job's next failure its last (NotRetryable). */
  endRetries(id: string): Promise<unknown>;
}

async function startWorker(
  boss: PgBoss,
  name: string,
  handler: JobHandler,
  options: QueueOptions,
  workers: Workers,
): Promise<string> {
  const { running } = workers;
  const work = {
    pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2,
    batchSize: 1,
    includeMetadata: true as const,
  };
  // pg-boss waits a polling interval after every batch, even with more jobs queued: after a
  // full batch, ask for the next one at once (an empty fetch then waits as usual).
  const id: string = await boss.work<Record<string, unknown>>(name, work, async (jobs) => {
    const batch = (async () => {
      for (const job of jobs) await runOne(name, job, handler, options, workers);
    })();
    running.add(batch);
    try {
      await batch;
    } finally {
      running.delete(batch);
      if (jobs.length >= work.batchSize) boss.notifyWorker(id);
    }
  });
  return id;
}

async function runOne(
  name: string,
  job: PgBoss.JobWithMetadata<Record<string, unknown>>,
  handler: JobHandler,
  options: QueueOptions,
  workers: Workers,
) {
  const { events, stopping } = workers;
  options.logger.debug({ job: name, id: job.id, attempt: job.retryCount + 1 }, 'job started');
  try {
    // the handler runs as background work (`Database.inBackground`, wrapped in services.ts)
    await runAgainAfterOutage(() => handler(job.data), options.waitForDatabase, stopping, options.logger, {
      job: name,
      id: job.id,
    });
    events.emit('done', name, job.data);
  } catch (err) {
    const final = err instanceof NotRetryable;
    if (final && job.retryCount < job.retryLimit)
      await workers
        .endRetries(job.id)
        .catch((e) => options.logger.error({ err: e, job: name, id: job.id }, "could not stop the job's retries"));
    const last = final || job.retryCount >= job.retryLimit;
    options.logger.error(
      { err, job: name, id: job.id, attempt: job.retryCount + 1, last },
      final ? 'job failed, not retried' : 'job failed',
    );
    if (last)
      await options
        .onGiveUp?.(name, job.data, err)
        .catch((e) => options.logger.error({ err: e }, 'could not record the failure'));
    events.emit('done', name, job.data, err);
    throw err;
  }
}

/** Expires the active jobs of a process that stopped mid-job, so pg-boss retries them now. */
async function recoverAbandoned(sql: SqlExecutor, boss: PgBoss, options: QueueOptions) {
  // expired by its start time, not by `expire_in = 0`: the retry keeps the row's expire_in, and with
  // 0 every later attempt expired at the next maintenance (seconds later), until the job was given up
  const { rows } = await sql.executeSql(
    `update ${options.schema}.job set started_on = now() - expire_in - interval '1 second' where state = 'active' returning id`,
    [],
  );
  if (rows.length === 0) return;
  options.logger.warn({ jobs: rows.length }, 'retrying jobs left unfinished by the previous run');
  await (boss as unknown as { maintain(): Promise<unknown> }).maintain();
}
