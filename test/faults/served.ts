import pg from 'pg';
import { multipartFile } from '../helpers/multipart.js';
import { freePort, runCli, until, type ChildCli } from '../helpers/processes.js';

/** What the fault tests share: an `idprofiles serve` child on PostgreSQL, driven over HTTP. */

export const CLIENT = { IDPROFILES_CLIENT_ID: 'faults-admin', IDPROFILES_CLIENT_SECRET: 'faults-secret-1' };

export interface Served {
  cli: ChildCli;
  base: string;
  /** The admin token's Authorization header. */
  auth: Record<string, string>;
  api(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; headers: Headers; body: any }>;
}

/** Starts `serve` on `databaseUrl` and gets an admin token. */
export async function serve(databaseUrl: string, env: Record<string, string> = {}): Promise<Served> {
  const port = await freePort();
  const cli = runCli(['serve'], {
    ...CLIENT,
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    IDPROFILES_RATE_LIMIT: 'off',
    ...env,
  });
  await cli.logged('ready');
  const base = `http://127.0.0.1:${port}`;
  const token: any = await (
    await fetch(
      `${base}/oauth/token?grant_type=client_credentials&client_id=${CLIENT.IDPROFILES_CLIENT_ID}&client_secret=${CLIENT.IDPROFILES_CLIENT_SECRET}`,
      { method: 'POST' },
    )
  ).json();
  const auth = { authorization: `Bearer ${token.access_token}` };
  const api: Served['api'] = async (method, path, body, headers = {}) => {
    const json = body !== undefined && typeof body !== 'string';
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...auth, ...(json ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : json ? JSON.stringify(body) : (body as string),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: res.status, headers: res.headers, body: parsed };
  };
  return { cli, base, auth, api };
}

export const N = 600;
const CSV = [
  'id,name,mail',
  ...Array.from({ length: N }, (_, k) => `E${k + 1},user${k + 1},User${k + 1}@Example.COM`),
].join('\n');
const attr = (attributeName: string) => ({ type: 'accountAttribute', attributes: { attributeName, sourceName: 'HR' } });
const CONFIG = {
  enabled: false,
  attributeTransforms: [
    { identityAttributeName: 'uid', transformDefinition: { type: 'upper', attributes: { input: attr('name') } } },
    { identityAttributeName: 'email', transformDefinition: { type: 'lower', attributes: { input: attr('mail') } } },
  ],
};

/**
 * A source and a profile with N identities (mapping disabled: their state rows are not written
 * yet). Returns the profile's id.
 */
export async function profileWithIdentities(s: Served): Promise<string> {
  const source = (await s.api('POST', '/v3/sources', { name: 'HR' })).body;
  const profile = (
    await s.api('POST', '/v3/identity-profiles', {
      name: 'Staff',
      authoritativeSource: { id: source.id },
      identityAttributeConfig: CONFIG,
    })
  ).body;
  const m = multipartFile('file', 'hr.csv', CSV);
  const load = await fetch(`${s.base}/v3/sources/${source.id}/load-accounts`, {
    method: 'POST',
    body: m.payload,
    headers: { ...s.auth, ...m.headers },
  });
  const loadTask = ((await load.json()) as any).task.id;
  const done = await until(
    async () => {
      const t = (await s.api('GET', `/v3/task-status/${loadTask}`)).body;
      return t.completed ? t : undefined;
    },
    'the load',
    60_000,
  );
  const [run] = done.result.processingTaskIds;
  await until(
    async () => (await s.api('GET', `/v3/task-status/${run}`)).body.completed,
    "the load's processing run",
    60_000,
  );
  return profile.id;
}

export const CHUNK_SIZE = 50;

/**
 * Turns the profile's mapping on and starts a run whose chunks all stay inside their transaction
 * until `holder` commits: it holds one uncommitted state row in every chunk, which the chunk
 * writing it waits for. Resolves once `workers` chunks are waiting (every chunk worker of the
 * processes): no worker is then between jobs, so an outage cannot cut a fetch that took a job
 * (a job whose fetch's answer is lost waits for its expiry, as if its worker had died).
 */
export async function runHeldInChunks(
  s: Served,
  databaseUrl: string,
  profileId: string,
  workers: number,
): Promise<{ taskId: string; holder: pg.Client; waiting(): Promise<number[]> }> {
  const enable = await s.api(
    'PATCH',
    `/v3/identity-profiles/${profileId}`,
    JSON.stringify([{ op: 'replace', path: '/identityAttributeConfig/enabled', value: true }]),
    { 'content-type': 'application/json-patch+json' },
  );
  if (enable.status !== 200) throw new Error(`PATCH: ${enable.status} ${JSON.stringify(enable.body)}`);
  const holder = new pg.Client({ connectionString: databaseUrl });
  await holder.connect();
  const { rows: victims } = await holder.query(
    `select id from (select id, row_number() over (order by id) - 1 as n from identities) x where n % ${CHUNK_SIZE} = ${CHUNK_SIZE / 2}`,
  );
  await holder.query('begin');
  for (const v of victims) await holder.query('insert into identity_state (identity_id) values ($1)', [v.id]);
  const run = await s.api('POST', `/v3/identity-profiles/${profileId}/process-identities`);
  if (run.status !== 202) throw new Error(`process-identities: ${run.status}`);
  const taskId = run.headers.get('location')!.split('/').pop()!;
  /** The sessions waiting for the holder (inside a chunk); asked on a connection of its own, as pg_stat_activity stays the same for the rest of a transaction. */
  const waiting = async () => {
    const observer = new pg.Client({ connectionString: databaseUrl });
    await observer.connect();
    try {
      return (
        await observer.query(
          `select pid from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`,
        )
      ).rows.map((r) => r.pid as number);
    } finally {
      await observer.end();
    }
  };
  await until(
    async () => (await waiting()).length >= workers,
    `${workers} chunks waiting inside their transaction`,
    60_000,
  );
  return { taskId, holder, waiting };
}

/** Every identity of the profile has the attributes the enabled mapping gives, and no job used a retry. */
export async function checkRunOutcome(
  databaseUrl: string,
  taskId: string,
): Promise<{ identities: any[]; retried: number; chunks: any }> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const { rows: identities } = await c.query(
      `select s.attributes from identities i join identity_state s on s.identity_id = i.id`,
    );
    const {
      rows: [retried],
    } = await c.query(`select count(*)::int as n from pgboss.job where retry_count > 0`);
    const {
      rows: [chunks],
    } = await c.query(
      `select count(*)::int as n, count(*) filter (where done)::int as done, sum(processed)::int as processed from task_chunks where task_id = $1`,
      [taskId],
    );
    return { identities, retried: retried.n, chunks };
  } finally {
    await c.end();
  }
}
