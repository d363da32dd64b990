import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJobQueue, type RunningQueue } from '../../src/jobs/queue.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { DATABASES } from '../helpers/databases.js';

/**
 * Jobs queued together start together on a queue's workers: every worker of the queue is woken,
 * not only one (the others used to sleep until their next poll, so a run's chunks went one at a
 * time for the first polling interval).
 */
describe.each(DATABASES)('the job queue on %s', (kind) => {
  let t: TestApp;
  let queue: RunningQueue | undefined;
  let release = () => {};
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => {
    release(); // jobs still waiting (the test failed) let the queue stop
    await queue?.stop();
    await t?.close();
  });

  it('wakes every worker of a queue for jobs queued together', { timeout: 20_000 }, async () => {
    const WORKERS = 3;
    let inFlight = 0;
    let allIn!: () => void;
    const together = new Promise<void>((resolve) => {
      allIn = resolve;
    });
    release = allIn;
    const seen: unknown[] = [];
    queue = await startJobQueue(t.services.database.sqlExecutor, {
      schema: `jq_${Math.random().toString(36).slice(2, 8)}`,
      queues: ['test.together'],
      logger: pino({ level: 'silent' }),
      // a poll far longer than the test: only a wake-up can start the second and third job
      pollingIntervalSeconds: 600,
      concurrency: { 'test.together': WORKERS },
      handlers: {
        'test.together': async (payload) => {
          seen.push(payload.n);
          if (++inFlight === WORKERS) allIn();
          await together; // each job holds its worker until all are running at once
        },
      },
    });
    await queue.enqueueMany('test.together', [{ n: 1 }, { n: 2 }, { n: 3 }]);
    await together;
    expect(seen.sort()).toEqual([1, 2, 3]);
    await queue.stop();
    queue = undefined;
  });

  // a process killed mid-job leaves it active; the next start retries it at once (PGlite), and that
  // attempt keeps the job's time limit: it used to get none (expire_in 0), so every later attempt
  // expired at the next maintenance, seconds in, until the job was given up (a load killed mid-apply)
  it('retries a job left active by a stopped process, and the retry keeps its time limit', {
    timeout: 20_000,
  }, async () => {
    const schema = `jq_${Math.random().toString(36).slice(2, 8)}`;
    const sql = t.services.database.sqlExecutor;
    const logger = pino({ level: 'silent' });
    const before = await startJobQueue(sql, { schema, queues: ['test.abandoned'], logger, handlers: {} });
    await before.enqueue('test.abandoned', { n: 1 });
    await before.stop();
    await sql.executeSql(
      `update ${schema}.job set state = 'active', started_on = now() where name = 'test.abandoned'`,
      [],
    );

    let running!: () => void;
    const started = new Promise<void>((resolve) => {
      running = resolve;
    });
    const finished = new Promise<void>((resolve) => {
      release = resolve;
    });
    const attempts: number[] = [];
    queue = await startJobQueue(sql, {
      schema,
      queues: ['test.abandoned'],
      logger,
      recoverAbandoned: true,
      handlers: {
        'test.abandoned': async () => {
          attempts.push(attempts.length + 1);
          running();
          await finished;
        },
      },
    });
    await started;
    const overdue = await sql.executeSql(
      `select count(*)::int as n from ${schema}.job where name = 'test.abandoned' and state = 'active' and started_on + expire_in < now()`,
      [],
    );
    expect(overdue.rows[0].n).toBe(0); // maintenance now would not expire the attempt running
    const job = await sql.executeSql(
      `select retry_count, extract(epoch from expire_in)::int as expire from ${schema}.job where name = 'test.abandoned'`,
      [],
    );
    expect(job.rows[0]).toEqual({ retry_count: 1, expire: 15 * 60 });
    release();
    expect(attempts).toEqual([1]);
  });
});
