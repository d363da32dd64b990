import { request } from 'node:http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTask } from '../../src/domain/tasks/service.js';
import { apiClient } from '../helpers/api/index.js';
import { startTestApp, waitForTask, type TestApp } from '../helpers/app.js';
import { DATABASES, postgresReachable } from '../helpers/databases.js';
import { freshDatabase, runCli, until, type ChildCli } from '../helpers/processes.js';
import { serve, type Served } from './served.js';

const reachable = await postgresReachable();
const STALE_SECONDS = 2;
const LOAD = 'CLOUD_ACCOUNT_AGGREGATION';

/** A load-accounts upload whose body the test sends a piece at a time (and may never finish). */
function openUpload(url: string, headers: Record<string, string>) {
  const boundary = 'faultsboundary';
  const req = request(url, {
    method: 'POST',
    headers: {
      ...headers,
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'transfer-encoding': 'chunked',
    },
  });
  const answer = new Promise<{ status: number; body: any }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
    req.on('error', reject);
  });
  answer.catch(() => undefined); // a test that kills the server never reads it
  req.write(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="hr.csv"\r\nContent-Type: text/csv\r\n\r\nid,name\n1,one\n`,
  );
  return {
    send: (text: string) => req.write(text),
    finish: () => {
      req.end(`\r\n--${boundary}--\r\n`);
      return answer;
    },
    abort: () => req.destroy(),
  };
}

const running = async (t: TestApp, type: string) =>
  await t.services.database.db.selectFrom('tasks').select(['id', 'completed']).where('type', '=', type).execute();

/**
 * The periodic sweep fails a running task with nothing behind it (no live job, no sign of life)
 * within a bounded time, and leaves alone one whose job is queued and an upload still arriving,
 * however slowly.
 */
describe.each(DATABASES)('tasks with nothing behind them (%s)', (kind) => {
  let t: TestApp;
  let h: Record<string, string>;
  let base = '';
  let upload: ReturnType<typeof openUpload> | undefined;
  beforeAll(async () => {
    if (kind === 'postgres' && !reachable) return;
    t = await startTestApp(kind, { taskStaleSeconds: STALE_SECONDS });
    h = await t.admin();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    upload?.abort();
    await t?.close();
  });

  it.skipIf(kind === 'postgres' && !reachable)(
    'fails them, and only them, with a message saying why',
    async () => {
      const source = await apiClient(t, h).sources.create({ name: 'HR' });
      upload = openUpload(`${base}/v3/sources/${source.id}/load-accounts`, h);
      const [uploading] = await until(async () => {
        const tasks = await running(t, LOAD);
        return tasks.length ? tasks : undefined;
      }, "the upload's task");
      // a run whose request created its task and then lost the database before queuing the job
      const actor = { clientId: 'test', name: 'test' };
      const orphan = await createTask(t.services.ctx.repos, t.services.ctx, {
        type: 'IDENTITY_PROFILE_PROCESS',
        name: 'Process Identities',
        description: 'never queued',
        actor,
      });
      // one whose job is queued but not due yet: its work is still to come
      const queued = await createTask(t.services.ctx.repos, t.services.ctx, {
        type: 'IDENTITY_PROFILE_PROCESS',
        name: 'Process Identities',
        description: 'queued',
        actor,
      });
      await t.services.database.sqlExecutor.executeSql(
        `insert into ${t.queueSchema}.job (name, data, start_after) values ('identity-profiles.process', $1, now() + interval '1 hour')`,
        [JSON.stringify({ taskId: queued.id, profileId: 'none' })],
      );

      // a run a load created, which the load's job (still live: e.g. retried after its worker died) starts
      const started = await createTask(t.services.ctx.repos, t.services.ctx, {
        type: 'IDENTITY_PROFILE_PROCESS',
        name: 'Process Identities',
        description: 'to be started',
        actor,
      });
      const load = await createTask(t.services.ctx.repos, t.services.ctx, {
        type: LOAD,
        name: 'Cloud Account Aggregation',
        description: 'applied',
        actor,
      });
      await t.services.ctx.repos.tasks.complete(load.id, {
        completed: new Date(),
        completionStatus: 'Success',
        messages: [],
        result: { processingTaskIds: [started.id] },
      });
      await t.services.database.sqlExecutor.executeSql(
        `insert into ${t.queueSchema}.job (name, data, start_after) values ('sources.load-accounts', $1, now() + interval '1 hour')`,
        [JSON.stringify({ taskId: load.id, sourceId: source.id })],
      );

      const failed = await until(
        async () => {
          const s = (await t.app.inject({ method: 'GET', url: `/v3/task-status/${orphan.id}`, headers: h })).json();
          return s.completed ? s : undefined;
        },
        'the sweep to fail the task with nothing behind it',
        30_000,
      );
      expect(failed.completionStatus).toBe('Error');
      expect(failed.messages.at(-1).localizedText.message).toMatch(/stopped before it finished/);
      // the upload has been open longer than the staleness limit by now, sending nothing: alive all the same
      const stillOpen = (
        await t.app.inject({ method: 'GET', url: `/v3/task-status/${uploading.id}`, headers: h })
      ).json();
      expect(stillOpen.completed).toBeNull();
      expect(
        (await t.app.inject({ method: 'GET', url: `/v3/task-status/${queued.id}`, headers: h })).json().completed,
      ).toBeNull();
      expect(
        (await t.app.inject({ method: 'GET', url: `/v3/task-status/${started.id}`, headers: h })).json().completed,
      ).toBeNull();

      upload!.send('2,two\n');
      const answer = await upload!.finish();
      upload = undefined;
      expect(answer.status).toBe(202);
      const loaded = await waitForTask(t, uploading.id);
      expect(loaded).toMatchObject({ completionStatus: 'Success', result: { rows: 2, added: 2 } });
    },
    60_000,
  );
});

/**
 * An upload's server is killed mid-file (SIGKILL); another process — here a `worker`, which
 * never serves an upload — fails the task within the bounded time and drops its staged rows.
 */
describe.skipIf(!reachable)('an upload whose server died (PostgreSQL, across processes)', () => {
  let db: { url: string; drop(): Promise<void> };
  let server: Served;
  let worker: ChildCli | undefined;
  beforeAll(async () => {
    db = await freshDatabase('faults_upload');
    server = await serve(db.url, { IDPROFILES_TASK_STALE_SECONDS: String(STALE_SECONDS) });
  }, 120_000);
  afterAll(async () => {
    await server?.cli.kill();
    await worker?.kill();
    await db?.drop();
  });

  it('is failed by a process still up, with nothing of it applied', async () => {
    const source = (await server.api('POST', '/v3/sources', { name: 'HR' })).body;
    const upload = openUpload(`${server.base}/v3/sources/${source.id}/load-accounts`, server.auth);
    upload.send(Array.from({ length: 1500 }, (_, i) => `${i + 10},user${i}\n`).join(''));
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      await until(async () => (await c.query(`select 1 from account_load_rows limit 1`)).rowCount, 'rows staged');
      worker = runCli(['worker'], { DATABASE_URL: db.url, IDPROFILES_TASK_STALE_SECONDS: String(STALE_SECONDS) });
      await worker.logged('worker ready');
      await server.cli.kill('SIGKILL');
      upload.abort();
      const [task] = await until(
        async () => {
          const { rows } = await c.query(
            `select completion_status, messages from tasks where type = $1 and completed is not null`,
            [LOAD],
          );
          return rows.length ? rows : undefined;
        },
        'the task to be failed',
        30_000,
      );
      expect(task.completion_status).toBe('Error');
      expect(task.messages.at(-1).localizedText.message).toMatch(/upload was interrupted/);
      expect((await c.query(`select count(*)::int as n from account_load_rows`)).rows[0].n).toBe(0);
      expect((await c.query(`select count(*)::int as n from accounts`)).rows[0].n).toBe(0);
    } finally {
      await c.end();
    }
  }, 120_000);
});
