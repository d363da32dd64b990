import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POSTGRES_URL, postgresReachable } from '../helpers/databases.js';
import { freshDatabase, runCli, until, type ChildCli } from '../helpers/processes.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { checkRunOutcome, N, profileWithIdentities, runHeldInChunk, serve, type Served } from './served.js';

const reachable = await postgresReachable();

/** Ends every session of `database` but the caller's (what a restart or failover does to the server's connections). */
async function terminateSessions(database: string): Promise<number> {
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query(`select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`, [database]);
    return rows[0].n;
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
  return { answers, oks: () => ok, stop: async () => { stopped = true; await loop; } };
}

/** A 503 as ISC's ErrorResponseDto, with Retry-After. */
function expectUnavailable(answer: { status: number; retryAfter: string | null; body: any }) {
  expect(answer.status).toBe(503);
  expect(Number(answer.retryAfter)).toBeGreaterThan(0);
  expect(answer.body).toMatchObject({ detailCode: '503 Service Unavailable', trackingId: expect.any(String), messages: [{ locale: 'en-US', localeOrigin: 'DEFAULT', text: expect.stringMatching(/database/) }] });
}

function expectCorrectRun(outcome: Awaited<ReturnType<typeof checkRunOutcome>>) {
  expect(outcome.identities).toHaveLength(N);
  for (const { attributes } of outcome.identities) {
    expect(attributes.uid).toMatch(/^USER\d+$/);
    expect(attributes.email).toBe(`${attributes.uid.toLowerCase()}@example.com`);
  }
  expect(outcome.chunks).toEqual({ n: N / 50, done: N / 50, processed: N }); // each chunk counted once
  expect(outcome.retried).toBe(0); // the outage used none of any job's attempts
}

/**
 * PostgreSQL ends every session of the server's database (pg_terminate_backend: what a restart,
 * a failover or an administrator does) while a `serve` and a `worker` are in the middle of a run
 * and answering requests. Nobody exits; requests answer 200 or a 503 in ISC's shape; the run
 * finishes with correct results, its jobs having used no retry.
 */
describe.skipIf(!reachable)('sessions terminated under a serve and a worker (PostgreSQL)', () => {
  let db: { url: string; drop(): Promise<void> };
  let server: Served;
  let worker: ChildCli;
  const name = () => new URL(db.url).pathname.slice(1);

  beforeAll(async () => {
    db = await freshDatabase('faults_term');
    server = await serve(db.url, { IDPROFILES_CHUNK_SIZE: '50' });
    worker = runCli(['worker'], { DATABASE_URL: db.url, IDPROFILES_CHUNK_SIZE: '50' });
    await worker.logged('worker ready');
  }, 120_000);
  afterAll(async () => {
    await server?.cli.kill();
    await worker?.kill();
    await db?.drop();
  });

  it('keeps every process up and finishes the run in progress', async () => {
    const profileId = await profileWithIdentities(server);
    const { taskId, holder } = await runHeldInChunk(server, db.url, profileId);
    const asking = keepAsking(server, `/v3/identity-profiles/${profileId}`);
    const health = keepAsking(server, '/health');

    expect(await terminateSessions(name())).toBeGreaterThan(2); // the holder, the waiting chunk, pools, probes
    await until(async () => asking.oks() > 0 && (await server.api('GET', '/health')).status === 200, 'requests answered again');
    await terminateSessions(name()); // again, with the run under way on new connections
    const done = await until(async () => {
      const t = (await server.api('GET', `/v3/task-status/${taskId}`)).body;
      return t.completed ? t : undefined;
    }, 'the run to finish', 90_000);
    await asking.stop();
    await health.stop();
    await holder.end().catch(() => undefined);

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

  beforeAll(async () => {
    db = await freshDatabase('faults_down');
    proxy = await startTcpProxy(db.url);
    server = await serve(proxy.url, { IDPROFILES_CHUNK_SIZE: '50', IDPROFILES_DB_CONNECT_TIMEOUT_MS: '1000' });
  }, 120_000);
  afterAll(async () => {
    await server?.cli.kill();
    await proxy?.close();
    await db?.drop();
  });

  it('answers 503 with Retry-After meanwhile, reports the database down, and resumes by itself', async () => {
    const profileId = await profileWithIdentities(server);
    const { taskId, holder } = await runHeldInChunk(server, db.url, profileId);

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
    expect(health.body).toMatchObject({ status: 'DOWN', checks: { database: { status: 'DOWN', detail: expect.stringMatching(/does not answer/) } } });

    await holder.query('commit'); // the chunk the outage cut off can now write, once it is back
    await holder.end();
    await proxy.up();
    await until(async () => (await server.api('GET', '/health')).status === 200, '/health to say the database is back');
    expect((await server.api('GET', `/v3/identity-profiles/${profileId}`)).status).toBe(200);
    const done = await until(async () => {
      const t = (await server.api('GET', `/v3/task-status/${taskId}`)).body;
      return t.completed ? t : undefined;
    }, 'the run to finish', 90_000);

    expect(server.cli.child.exitCode).toBeNull();
    expect(done).toMatchObject({ completionStatus: 'Success', result: { total: N, processed: N, failed: 0 } });
    expectCorrectRun(await checkRunOutcome(db.url, taskId));
  }, 180_000);
});
