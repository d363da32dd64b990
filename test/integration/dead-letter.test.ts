import PgBoss from 'pg-boss';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTask } from '../../src/domain/tasks/service.js';
import { DEAD_LETTER_QUEUE, startJobQueue, type RunningQueue } from '../../src/jobs/queue.js';
import { startTestApp, waitForTask, type TestApp } from '../helpers/app.js';
import { DATABASES } from '../helpers/databases.js';

/**
 * A job whose worker dies on every attempt never reaches the handler's last catch; pg-boss
 * expires it, fails it after its last retry and copies it to the dead-letter queue, where any
 * process with handlers gives up on it: its task ends failed instead of staying "running".
 */
describe.each(DATABASES)('jobs given up through the dead-letter queue on %s', (kind) => {
  let t: TestApp;
  const bosses: Array<{ stop(): Promise<unknown> }> = [];
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => {
    for (const b of bosses.reverse()) await b.stop();
    await t?.close();
  });

  /** A bare pg-boss on the same database: acts as a worker that fetches a job and then dies. */
  const rawBoss = async (schema: string) => {
    const boss = new PgBoss({
      db: { executeSql: (text: string, values: unknown[]) => t.services.database.sqlExecutor.executeSql(text, values) },
      schema,
      supervise: false,
      schedule: false,
    });
    await boss.start();
    bosses.push({ stop: () => boss.stop({ graceful: false, wait: true }) });
    return boss;
  };

  it('calls onGiveUp with the job name and payload when the only attempt was abandoned', async () => {
    const schema = `dlq_${Math.random().toString(36).slice(2, 8)}`;
    let gaveUp!: (args: unknown[]) => void;
    const given = new Promise<unknown[]>((resolve) => {
      gaveUp = resolve;
    });
    const queue: RunningQueue = await startJobQueue(t.services.database.sqlExecutor, {
      schema,
      queues: ['test.work', 'test.other'],
      handlers: { 'test.other': async () => {} },
      logger: pino({ level: 'silent' }),
      retryLimit: 0,
      expireInSeconds: 1,
      maintenanceIntervalSeconds: 1,
      pollingIntervalSeconds: 0.5,
      onGiveUp: async (...args) => gaveUp(args),
    });
    bosses.push(queue);
    await queue.enqueue('test.work', { taskId: 'task-1' });
    const deadWorker = await rawBoss(schema);
    const [job] = await deadWorker.fetch('test.work');
    expect(job.data).toMatchObject({ taskId: 'task-1' });
    // the fetched job is never completed: its worker is gone
    const [name, payload, error] = await given;
    expect(name).toBe('test.work');
    expect(payload).toMatchObject({ taskId: 'task-1' });
    expect((error as Error).message).toMatch(/worker stopped/);
  });

  it('fails the task of a job given up that way, and leaves a completed task alone', async () => {
    const { ctx } = t.services;
    const actor = { name: 'test' } as Parameters<typeof createTask>[2]['actor'];
    const running = await createTask(ctx.repos, ctx, {
      type: 'IDENTITY_PROFILE_PROCESS',
      name: 'Process',
      description: 'test',
      actor,
    });
    const finished = await createTask(ctx.repos, ctx, {
      type: 'IDENTITY_PROFILE_PROCESS',
      name: 'Process',
      description: 'test',
      actor,
    });
    await ctx.repos.tasks.complete(finished.id, {
      completed: new Date(),
      completionStatus: 'Success',
      messages: [],
      result: null,
    });
    const copier = await rawBoss(t.queueSchema);
    // what pg-boss writes to the dead-letter queue when a chunk job failed its last attempt
    await copier.send(DEAD_LETTER_QUEUE, { taskId: finished.id, $job: 'identity-profiles.process-chunk' });
    await copier.send(DEAD_LETTER_QUEUE, { taskId: running.id, $job: 'identity-profiles.process-chunk' });
    const failed = await waitForTask(t, running.id);
    expect(failed.completionStatus).toBe('Error');
    expect(
      failed.messages.map((m: { localizedText: { message: string } }) => m.localizedText.message).join(' '),
    ).toMatch(/identity-profiles\.process-chunk failed after several attempts: its last attempt did not finish/);
    expect((await ctx.repos.tasks.findById(finished.id))?.completionStatus).toBe('Success');
  });
});
