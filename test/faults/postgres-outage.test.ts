import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POSTGRES_URL, postgresReachable } from '../helpers/databases.js';
import { freshDatabase, runCli, until, type ChildCli } from '../helpers/processes.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import {
  CHUNK_SIZE,
  checkRunOutcome,
  N,
  profileWithIdentities,
  runHeldInChunks,
  serve,
  type Served,
} from './served.js';

const reachable = await postgresReachable();

/** The `application_name` of the processes under test: their sessions are the ones ended. */
const APP = 'idprofiles_under_test';

/** Ends every session the processes under test have (what a restart or failover does to them); returns their pids. */
async function terminateSessions(database: string): Promise<number[]> {
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query(
      `select pid from pg_stat_activity where datname = $1 and application_name = $2`,
      [database, APP],
    );
    const pids = rows.map((r) => r.pid as number);
    await admin.query(`select pg_terminate_backend(pid) from unnest($1::int[]) as pid`, [pids]);
    return pids;
  } finally {
    await admin.end();
  }
}

/** Sends requests until stopped, keeping every answer that was not a 200. */
function keepAsking(s: Served, path: string) {
  const answers: Array<{ status: number; retryAfter: string | null; body: any }> = [];
  let stopped = false;
  let ok = 0;
  const loop = (async () => {
    while (!stopped) {
      const r = await s.api('GET', path).catch((e) => ({ status: 0, headers: new Headers(), body: String(e) }));
      if (r.status === 200) ok++;
      else answers.push({ status: r.status, retryAfter: r.headers.get('retry-after'), body: r.body });
    }
  })();
  return {
    answers,
    oks: () => ok,
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

/** A 503 as ISC's ErrorResponseDto, with Retry-After. */
function expectUnavailable(answer: { status: number; retryAfter: string | null; body: any }) {
  expect(answer.status).toBe(503);
  expect(Number(answer.retryAfter)).toBeGreaterThan(0);
  expect(answer.body).toMatchObject({
    detailCode: '503 Service Unavailable',
    trackingId: expect.any(String),
    messages: [{ locale: 'en-US', localeOrigin: 'DEFAULT', text: expect.stringMatching(/database/) }],
  });
}

function expectCorrectRun(outcome: Awaited<ReturnType<typeof checkRunOutcome>>) {
  expect(outcome.identities).toHaveLength(N);
  for (const { attributes } of outcome.identities) {
    expect(attributes.uid).toMatch(/^USER\d+$/);
    expect(attributes.email).toBe(`${attributes.uid.toLowerCase()}@example.com`);
  }
  expect(outcome.chunks).toEqual({ n: N / CHUNK_SIZE, done: N / CHUNK_SIZE, processed: N }); // each chunk counted once
  expect(outcome.retried).toBe(0); // the outage used none of any job's attempts
}

/**
 * PostgreSQL ends every session of the server and the worker (pg_terminate_backend: what a
 * restart, a failover or an administrator does), twice, while every chunk worker is inside a
 * chunk's transaction and requests keep coming. Nobody exits; requests answer 200 or a 503 in
 * ISC's shape; each chunk cut off runs again in place; the run finishes with correct results,
 * its jobs having used no retry.
 */
describe.skipIf(!reachable)('sessions terminated under a serve and a worker (PostgreSQL)', () => {
  let db: { url: string; drop(): Promise<void> };
  let server: Served;
  let worker: ChildCli;
  let holder: pg.Client | undefined;
  const name = () => new URL(db.url).pathname.slice(1);

  beforeAll(async () => {
    db = await freshDatabase('faults_term');
    const url = `${db.url}?application_name=${APP}`;
    server = await serve(url, { IDPROFILES_CHUNK_SIZE: String(CHUNK_SIZE) });
    worker = runCli(['worker'], { DATABASE_URL: url, IDPROFILES_CHUNK_SIZE: String(CHUNK_SIZE) });
    await worker.logged('worker ready');
  }, 120_000);
  afterAll(async () => {
    await holder?.end().catch(() => undefined); // a failed test's chunks stop waiting, so the processes can stop
    await server?.cli.kill();
    await worker?.kill();
    await db?.drop();
  });

  it('keeps every process up and finishes the run in progress', async () => {
    const profileId = await profileWithIdentities(server);
    const chunkWorkers = 6; // 3 (IDPROFILES_CHUNK_CONCURRENCY) in each process
    const held = await runHeldInChunks(server, db.url, profileId, chunkWorkers);
    const { taskId, waiting } = held;
    holder = held.holder;
    const asking = keepAsking(server, `/v3/identity-profiles/${profileId}`);
    const health = keepAsking(server, '/health');

    for (let round = 0; round < 2; round++) {
      const ended = await terminateSessions(name());
      expect(ended.length).toBeGreaterThanOrEqual(chunkWorkers);
      // each chunk cut off runs again on a new session once the database answers, and waits on the holder again
      await until(
        async () =>
          (await waiting()).filter((pid) => !ended.includes(pid)).length >= chunkWorkers && asking.oks() > round,
        'chunks running again and requests answered',
      );
    }
    await holder.query('commit');
    await holder.end();
    holder = undefined;
    const done = await until(
      async () => {
        const t = (await server.api('GET', `/v3/task-status/${taskId}`)).body;
        return t.completed ? t : undefined;
      },
      'the run to finish',
      90_000,
    );
    await asking.stop();
    await health.stop();

    expect(server.cli.child.exitCode).toBeNull();
    expect(worker.child.exitCode).toBeNull();
    expect(done).toMatchObject({ completionStatus: 'Success', result: { total: N, processed: N, failed: 0 } });
    expectCorrectRun(await checkRunOutcome(db.url, taskId));
    for (const a of asking.answers) expectUnavailable(a); // never a 500, never a dropped connection
    for (const a of health.answers) expect(a.status).toBe(503);
  }, 180_000);
});

/**
 * The database refuses connections for a while (a proxy the test controls goes down: every
 * connection cut, new ones refused) during a run. Requests get a 503 in ISC's shape with
 * Retry-After at once, `/health` says the database is down; when it is back everything resumes
 * by itself and the run finishes correctly, its jobs having used no retry.
 */
describe.skipIf(!reachable)('the database refusing connections for a while (PostgreSQL, through a proxy)', () => {
  let db: { url: string; drop(): Promise<void> };
  let proxy: TcpProxy;
  let server: Served;
  let holder: pg.Client | undefined;

  beforeAll(async () => {
    db = await freshDatabase('faults_down');
    proxy = await startTcpProxy(db.url);
    server = await serve(proxy.url, { IDPROFILES_CHUNK_SIZE: '50', IDPROFILES_DB_CONNECT_TIMEOUT_MS: '1000' });
  }, 120_000);
  afterAll(async () => {
    await holder?.end().catch(() => undefined);
    await server?.cli.kill();
    await proxy?.close();
    await db?.drop();
  });

  it('answers 503 with Retry-After meanwhile, reports the database down, and resumes by itself', async () => {
    const profileId = await profileWithIdentities(server);
    const held = await runHeldInChunks(server, db.url, profileId, 3);
    const { taskId } = held;
    holder = held.holder;

    await proxy.down();
    const started = Date.now();
    const get = await server.api('GET', `/v3/identity-profiles/${profileId}`);
    const write = await server.api('POST', `/v3/identity-profiles/${profileId}/process-identities`);
    const health = await server.api('GET', '/health');
    expect(Date.now() - started).toBeLessThan(5_000); // bounded: no request hangs with the database
    expectUnavailable({ status: get.status, retryAfter: get.headers.get('retry-after'), body: get.body });
    expectUnavailable({ status: write.status, retryAfter: write.headers.get('retry-after'), body: write.body });
    expect(health.status).toBe(503);
    expect(health.headers.get('retry-after')).toBeTruthy();
    expect(health.body).toMatchObject({
      status: 'DOWN',
      checks: { database: { status: 'DOWN', detail: expect.stringMatching(/does not answer/) } },
    });

    await holder.query('commit'); // the chunks the outage cut off can now write, once it is back
    await holder.end();
    holder = undefined;
    await proxy.up();
    await until(async () => (await server.api('GET', '/health')).status === 200, '/health to say the database is back');
    expect((await server.api('GET', `/v3/identity-profiles/${profileId}`)).status).toBe(200);
    const done = await until(
      async () => {
        const t = (await server.api('GET', `/v3/task-status/${taskId}`)).body;
        return t.completed ? t : undefined;
      },
      'the run to finish',
      90_000,
    );

    expect(server.cli.child.exitCode).toBeNull();
    expect(done).toMatchObject({ completionStatus: 'Success', result: { total: N, processed: N, failed: 0 } });
    expectCorrectRun(await checkRunOutcome(db.url, taskId));
  }, 180_000);
});
