import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteJob } from '../../src/domain/identity-profiles/delete.js';
import { createTask } from '../../src/domain/tasks/service.js';
import { DEAD_LETTER_QUEUE } from '../../src/jobs/queue.js';
import { startTestApp, waitForTask, type TestApp } from '../helpers/app.js';
import { DATABASES } from '../helpers/databases.js';
import { capturedLogger } from '../helpers/logs.js';

/**
 * Every job's payload is checked against its definition's schema when a worker receives it
 * (jobs/handlers.ts). One that does not match — queued by another version of the program, or by
 * hand — is not run and not retried (another attempt would get the same payload): the job fails
 * at once, with a log line saying what is wrong, and so does its task.
 */
describe.each(DATABASES)('job payloads checked on receipt on %s', (kind) => {
  let t: TestApp;
  const log = capturedLogger('info');
  beforeAll(async () => {
    t = await startTestApp(kind, { logger: log.logger });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('fails a job whose payload does not match, and its task, at once and without retries', async () => {
    const { ctx } = t.services;
    const actor = { clientId: 'test', name: 'test' };
    const task = await createTask(ctx.repos, ctx, {
      type: 'IDENTITY_PROFILE_DELETE',
      name: 'Background Object Terminator',
      description: 'test',
      actor,
    });
    // pg-boss copies a job to the dead-letter queue once it has failed for good: then it is final
    const givenUp = new Promise<void>((resolve) => {
      t.services.queue.events.on('done', (name: string, payload: { taskId?: string }) => {
        if (name === DEAD_LETTER_QUEUE && payload?.taskId === task.id) resolve();
      });
    });
    // `ids` should be a list of profile ids (the typed `ctx.jobs.enqueue` would not compile this)
    await t.services.queue.enqueue(deleteJob.name, { taskId: task.id, ids: 'profile-1' });

    const failed = await waitForTask(t, task.id);
    expect(failed.completionStatus).toBe('Error');
    const reason =
      "identity-profiles.delete was not run: its payload does not match the job's schema (/ids: must be array).";
    expect(failed.messages.map((m: { localizedText: { message: string } }) => m.localizedText.message)).toEqual([
      reason,
    ]);

    await givenUp;
    const { rows } = await t.services.database.sqlExecutor.executeSql(
      `select state::text as state, retry_count from ${t.queueSchema}.job where name = $1 and data->>'taskId' = $2`,
      [deleteJob.name, task.id],
    );
    expect(rows).toEqual([{ state: 'failed', retry_count: 0 }]);
    const lines = log.lines().filter((l) => l.job === deleteJob.name && l.level >= 50);
    expect(lines).toEqual([
      expect.objectContaining({
        msg: 'job failed, not retried',
        attempt: 1,
        last: true,
        err: expect.objectContaining({ message: reason }),
      }),
    ]);
  });
});
