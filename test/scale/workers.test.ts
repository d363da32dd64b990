import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { createDatabase, migrateToLatest, type Database } from '../../src/db/database.js';
import { apiClientRepository } from '../../src/db/repositories/clients.js';
import { createClient } from '../../src/domain/clients/service.js';
import { createServices, type Services } from '../../src/services.js';
import { postgresReachable } from '../helpers/databases.js';
import { multipartFile } from '../helpers/multipart.js';
import { freshDatabase, runCli, until, type ChildCli } from '../helpers/processes.js';

const N = 1200;
const CSV = [
  'id,name,mail,managerId',
  ...Array.from({ length: N }, (_, k) => {
    const i = k + 1;
    return `E${i},user${i},User${i}@Example.COM,${i === 1 ? '' : `E${Math.ceil(i / 7)}`}`;
  }),
].join('\n');
const attr = (attributeName: string) => ({ type: 'accountAttribute', attributes: { attributeName, sourceName: 'HR' } });
const CONFIG = {
  enabled: true,
  attributeTransforms: [
    { identityAttributeName: 'employeeNumber', transformDefinition: attr('id') },
    { identityAttributeName: 'uid', transformDefinition: { type: 'upper', attributes: { input: attr('name') } } },
    { identityAttributeName: 'email', transformDefinition: { type: 'lower', attributes: { input: attr('mail') } } },
  ],
};

const reachable = await postgresReachable();

/**
 * Scale-out on PostgreSQL: an API node that only enqueues, and two `idprofiles worker` processes
 * sharing one process-identities run. One worker is killed while it is inside a chunk (held there
 * by a row lock the test takes); the run still completes, every identity correct.
 */
describe.skipIf(!reachable)('two worker processes share one run on PostgreSQL', () => {
  let db: { url: string; drop(): Promise<void> };
  let database: Database;
  let services: Services;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let h: Record<string, string>;
  const workers: Record<string, ChildCli> = {};

  beforeAll(async () => {
    db = await freshDatabase('scale');
    database = await createDatabase({ databaseUrl: db.url, poolSize: 4 });
    await migrateToLatest(database);
    const logger = pino({ level: 'silent' });
    services = await createServices(database, { config: { tokenTtlSeconds: 600 }, logger, runJobs: false });
    app = await buildApp({ services, config: { rateLimit: 'off', logLevel: 'silent' }, logger: false });
    const { client, secret } = await createClient(apiClientRepository(database.db), { name: 'scale' });
    const token = await app.inject({
      method: 'POST',
      url: `/oauth/token?grant_type=client_credentials&client_id=${client.id}&client_secret=${secret}`,
    });
    h = { authorization: `Bearer ${token.json().access_token}` };
    for (const name of ['a', 'b']) {
      const url = `${db.url}?application_name=worker-${name}`;
      workers[name] = runCli(['worker'], {
        DATABASE_URL: url,
        IDPROFILES_JOB_EXPIRE_SECONDS: '3',
        IDPROFILES_CHUNK_SIZE: '100',
      });
    }
    await Promise.all(Object.values(workers).map((w) => w.logged('worker ready')));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(Object.values(workers).map((w) => w.kill()));
    await app?.close();
    await services?.close();
    await database?.close();
    await db?.drop();
  });

  it('completes a run with correct results after a worker is killed mid-chunk', async () => {
    const source = (
      await app.inject({
        method: 'POST',
        url: '/v3/sources',
        headers: h,
        payload: {
          name: 'HR',
          managerCorrelationMapping: { accountAttributeName: 'managerId', identityAttributeName: 'employeeNumber' },
        },
      })
    ).json();
    const profile = (
      await app.inject({
        method: 'POST',
        url: '/v3/identity-profiles',
        headers: h,
        payload: {
          name: 'Staff',
          authoritativeSource: { id: source.id },
          identityAttributeConfig: { ...CONFIG, enabled: false },
        },
      })
    ).json();
    const m = multipartFile('file', 'hr.csv', CSV);
    const load = await app.inject({
      method: 'POST',
      url: `/v3/sources/${source.id}/load-accounts`,
      payload: m.payload,
      headers: { ...h, ...m.headers },
    });
    expect(load.statusCode).toBe(202);
    await until(
      async () => (await tasksDone(database, 'IDENTITY_PROFILE_PROCESS')) >= 1,
      'the load and its processing run',
      90_000,
    );

    const enable = await app.inject({
      method: 'PATCH',
      url: `/v3/identity-profiles/${profile.id}`,
      headers: { ...h, 'content-type': 'application/json-patch+json' },
      payload: JSON.stringify([{ op: 'replace', path: '/identityAttributeConfig/enabled', value: true }]),
    });
    expect(enable.statusCode).toBe(200);

    // hold one identity's state row (inserted, not yet committed): the worker whose chunk writes it blocks inside that chunk
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    const {
      rows: [victim],
    } = await holder.query(`select id from identities order by id offset 650 limit 1`);
    await holder.query('begin');
    await holder.query('insert into identity_state (identity_id) values ($1)', [victim.id]);
    const run = await app.inject({
      method: 'POST',
      url: `/v3/identity-profiles/${profile.id}/process-identities`,
      headers: h,
    });
    const taskId = run.headers.location!.split('/').pop()!;
    const blocked = await until(
      async () =>
        (
          await holder.query(
            `select application_name from pg_stat_activity where wait_event_type = 'Lock' and application_name like 'worker-%'`,
          )
        ).rows[0]?.application_name as string | undefined,
      'a worker blocked inside the chunk',
      90_000,
    );
    await workers[blocked.slice('worker-'.length)].kill('SIGKILL');
    await holder.query('commit');
    await holder.end();

    const status = await until(
      async () => {
        const s = (await app.inject({ method: 'GET', url: `/v3/task-status/${taskId}`, headers: h })).json();
        return s.completed ? s : undefined;
      },
      'the run to complete on the surviving worker',
      90_000,
    );
    expect(status.completionStatus).toBe('Success');
    expect(status.result).toMatchObject({ total: N, processed: N, changed: N, failed: 0 });

    const check = new pg.Client({ connectionString: db.url });
    await check.connect();
    const { rows } = await check.query(
      `select s.attributes, m.attributes->>'employeeNumber' as manager from identities i join identity_state s on s.identity_id = i.id left join identity_state m on m.identity_id = s.manager_id`,
    );
    const { rows: chunks } = await check.query(
      `select count(*)::int as n, count(*) filter (where done)::int as done, sum(processed)::int as processed from task_chunks where task_id = $1`,
      [taskId],
    );
    const { rows: retried } = await check.query(
      `select count(*)::int as n from pgboss.job where name = 'identity-profiles.process-chunk' and retry_count > 0`,
    );
    await check.end();
    expect(rows).toHaveLength(N);
    for (const r of rows) {
      const i = Number(String(r.attributes.employeeNumber).slice(1));
      expect(r.attributes).toEqual({ employeeNumber: `E${i}`, uid: `USER${i}`, email: `user${i}@example.com` });
      expect(r.manager).toBe(i === 1 ? null : `E${Math.ceil(i / 7)}`);
    }
    expect(chunks[0]).toEqual({ n: Math.ceil(N / 100), done: Math.ceil(N / 100), processed: N }); // each chunk counted once
    expect(retried[0].n).toBeGreaterThanOrEqual(1); // the killed worker's chunk was run again
  }, 300_000);
});

async function tasksDone(database: Database, type: string): Promise<number> {
  const r = await database.db
    .selectFrom('tasks')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('type', '=', type)
    .where('completed', 'is not', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
