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
  beforeAll(async () => { t = await startTestApp(kind); });
  afterAll(async () => {
    release(); // jobs still waiting (the test failed) let the queue stop
    await queue?.stop();
    await t?.close();
  });

  it('wakes every worker of a queue for jobs queued together', { timeout: 20_000 }, async () => {
    const WORKERS = 3;
    let inFlight = 0;
    let allIn!: () => void;
    const together = new Promise<void>((resolve) => { allIn = resolve; });
    release = allIn;
    const seen: unknown[] = [];
    queue = await startJobQueue(t.services.database.sqlExecutor, {
      schema: `jq_${Math.random().toString(36).slice(2, 8)}`, queues: ['test.together'], logger: pino({ level: 'silent' }),
      // a poll far longer than the test: only a wake-up can start the second and third job
      pollingIntervalSeconds: 600, concurrency: { 'test.together': WORKERS },
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
  });
});
