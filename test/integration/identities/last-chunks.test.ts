import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadJob } from '../../../src/domain/accounts/load.js';
import { finalizeJob, runChunkJob } from '../../../src/domain/identities/processing.js';
import type { Job } from '../../../src/domain/shared/job.js';
import { createTask } from '../../../src/domain/tasks/service.js';
import { jobsFinishing, startTestApp, type TestApp } from '../../helpers/app.js';
import { accountAttr, sourceWithProfile } from '../../helpers/identities.js';
import { multipartFile } from '../../helpers/multipart.js';
import { until } from '../../helpers/processes.js';

/**
 * The last two chunks of a run finishing at the same time (two workers, or two chunks of one
 * process) must still queue the finalize job: each used to ask "are all chunks done?" inside its
 * own transaction, see the other still open, and neither queued it — the run stayed "running".
 * PostgreSQL only: embedded PGlite runs one transaction at a time.
 */
describe('the last chunks of a run finishing together on postgres', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('postgres');
  });
  afterAll(async () => t?.close());

  it('queue the finalize job', async () => {
    const h = await t.admin();
    const { sourceId, profileId } = await sourceWithProfile(
      t,
      h,
      { name: 'Two' },
      { name: 'P2', mappings: { uid: accountAttr('Two', 'name') } },
    );
    const file = multipartFile('file', 'two.csv', 'id,name\n1,a\n2,b\n3,c\n4,d\n');
    const loads = jobsFinishing(t, loadJob.name);
    const load = await t.app.inject({
      method: 'POST',
      url: `/v3/sources/${sourceId}/load-accounts`,
      payload: file.payload,
      headers: { ...h, ...file.headers },
    });
    await loads.finished(load.json().task.id);
    loads.stop();

    // a run of two chunks, driven by hand; the job queue is a recorder
    const { ctx, database } = t.services;
    const ids = (
      await database.db.selectFrom('identities').select('id').where('profileId', '=', profileId).orderBy('id').execute()
    ).map((r) => r.id);
    const task = await createTask(ctx.repos, ctx, {
      type: 'IDENTITY_PROFILE_PROCESS',
      name: 'Process',
      description: 'test',
      actor: { name: 'test' } as never,
    });
    await ctx.repos.tasks.createChunks(task.id, 'attributes', [
      { firstId: ids[0], lastId: ids[1] },
      { firstId: ids[2], lastId: ids[3] },
    ]);
    const queued: string[] = [];
    const recording = {
      ...ctx,
      jobs: {
        enqueue: async (job: Job) => void queued.push(job.name),
        enqueueMany: async (job: Job, payloads: readonly unknown[]) =>
          void payloads.forEach(() => queued.push(job.name)),
      },
    };

    // hold both chunk rows, start both chunk jobs (they wait for the rows), then let them go together
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let holding!: () => void;
    const held = new Promise<void>((resolve) => {
      holding = resolve;
    });
    const holder = database.db.transaction().execute(async (trx) => {
      await sql`select 1 from task_chunks where task_id = ${task.id} for update`.execute(trx);
      holding();
      await gate;
    });
    await held;
    const runs = [0, 1].map((chunkNo) => runChunkJob(recording, { taskId: task.id, profileId, chunkNo }));
    await until(async () => {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
        where wait_event_type = 'Lock' and query like '%task_chunks%for update%' and pid in (select pid from pg_locks where not granted)`.execute(
        database.db,
      );
      return rows[0].n >= 2;
    }, 'both chunk jobs waiting for their chunk');
    release();
    await holder;
    await Promise.all(runs);

    expect((await ctx.repos.tasks.listChunks(task.id, 'attributes')).every((c) => c.done)).toBe(true);
    expect(queued).toContain(finalizeJob.name);
  });
});
