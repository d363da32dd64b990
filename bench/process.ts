/**
 * bench/process: load N accounts (default 100,000) into PostgreSQL through the API, process them
 * with a 10-mapping profile, process again unchanged, and in the same run measure the
 * database's raw batched `INSERT … SELECT FROM unnest(…)` rate (the load's reference) and
 * `UPDATE … FROM unnest(…)` rate (processing's) for rows of the same size, batches of 1,000 on
 * one connection.
 *
 *   npm run build && npx tsx bench/process.ts [N=100000] [--keep-db] [--contend] [--pglite] [--server=OTHER/dist/cli/index.js]
 *                                            [--cpu-prof=DIR]
 *
 * `--contend`: a second CPU-bound process (a busy loop) runs beside the whole measurement.
 * `--pglite`: the server on the embedded database in a temporary folder (no raw reference: the
 * database is inside the server), for the second figure.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openAsBlob, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { cpuMeter, cpuUs } from './lib/cpu.js';
import { HR_SOURCE, hrProfile, writeHrCsv } from './lib/hr.js';
import { freshDatabase, startServer, tokenFor } from './lib/server.js';

const args = process.argv.slice(2);
const N = Number(args.find((a) => !a.startsWith('--')) ?? 100_000);
/** `--keep-db`: leave the database (its URL is printed) for EXPLAIN and profiling. */
const KEEP_DB = args.includes('--keep-db');
/** `--server=OTHER/dist/cli/index.js`: run another build (e.g. the commit before a change, built in its own folder). */
const SERVER_SCRIPT = args.find((a) => a.startsWith('--server='))?.slice('--server='.length);
const CLIENT = { id: 'benchclient', secret: 'bench-secret-123' };
const CONTEND = args.includes('--contend');
const PGLITE = args.includes('--pglite');
/** `--cpu-prof=DIR`: the server writes a V8 CPU profile of its whole life there (summarise with bench/cpu-top.ts). */
const CPU_PROF = args.find((a) => a.startsWith('--cpu-prof='))?.slice('--cpu-prof='.length);

/** One CPU-bound process beside the benchmark (`--contend`): a busy loop until killed. */
function startContender(): ChildProcess {
  return spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
}

/** The HR file's row `i` as the attributes a load stores (same names and sizes as writeHrCsv's). */
function hrAttributes(i: number): Record<string, string> {
  return {
    id: `E${i}`,
    name: `user${i}`,
    first: `First${i}`,
    last: `Last${i}`,
    mail: `User${i}@Example.com`,
    dept: 'Engineering',
    managerId: i === 1 ? '' : `E${Math.floor(i / 10) + 1}`,
    hired: '01/10/2010',
    phone: `+1 (415) 555-${1000 + (i % 9000)}`,
    country: 'US',
  };
}

/** The HR file's rows `1..n` as the raw statements send them: batches of 1,000 ids, names and attributes (JSON). */
function* hrBatches(n: number): Generator<{ ids: string[]; names: string[]; values: string[] }> {
  for (let i = 1; i <= n; i += 1000) {
    const ids: string[] = [];
    const names: string[] = [];
    const values: string[] = [];
    for (let j = i; j < Math.min(i + 1000, n + 1); j++) {
      ids.push(`E${j}`);
      names.push(`user${j}`);
      values.push(JSON.stringify(hrAttributes(j)));
    }
    yield { ids, names, values };
  }
}

/** The database's own rate for a load's writes: batched INSERT … SELECT FROM unnest of the file's rows. */
async function rawInsertRate(dbUrl: string, n: number): Promise<{ rate: number; cpuUsPerRow: number }> {
  const c = new pg.Client({ connectionString: dbUrl });
  await c.connect();
  const backend = (await c.query('select pg_backend_pid() as pid')).rows[0].pid as number;
  await c.query('create table raw_insert_bench (id text primary key, name text not null, attributes jsonb not null)');
  const started = performance.now();
  const cpu0 = cpuUs(backend);
  for (const { ids, names, values } of hrBatches(n)) {
    await c.query('insert into raw_insert_bench select * from unnest($1::text[], $2::text[], $3::jsonb[])', [
      ids,
      names,
      values,
    ]);
  }
  const rate = n / ((performance.now() - started) / 1000);
  const cpuUsPerRow = (cpuUs(backend) - cpu0) / n;
  await c.query('drop table raw_insert_bench');
  await c.end();
  return { rate, cpuUsPerRow };
}

/**
 * The writes no load can leave out, as raw statements: the file's rows into a staging table, then
 * into accounts and the identities they form — tables shaped and indexed as the product's
 * (migrations 0002, 0008), without keys or triggers, batches of 1,000 on one connection. The load
 * also decides (the delete rule), correlates and checks references; this is its floor.
 */
async function rawLoadWritesRate(dbUrl: string, n: number): Promise<{ rate: number; cpuUsPerRow: number }> {
  const c = new pg.Client({ connectionString: dbUrl });
  await c.connect();
  const backend = (await c.query('select pg_backend_pid() as pid')).rows[0].pid as number;
  await c.query(`
    create table raw_staged (task_id text not null, native_identity text not null, line_no integer not null, name text not null,
      attributes jsonb not null, primary key (task_id, native_identity));
    create table raw_identities (id text primary key, tenant_id text not null default 'default', name text not null, profile_id text,
      lifecycle_state text, lifecycle_state_manual boolean not null default false,
      created timestamptz not null default now(), modified timestamptz not null default now());
    create index on raw_identities (tenant_id, profile_id, id);
    create index on raw_identities (tenant_id, lower(name) text_pattern_ops);
    create table raw_accounts (id text primary key, tenant_id text not null default 'default', source_id text not null,
      native_identity text not null, name text not null, attributes jsonb not null, identity_id text,
      created timestamptz not null default now(), modified timestamptz not null default now(), disabled boolean not null default false);
    create unique index on raw_accounts (source_id, native_identity);
    create index on raw_accounts (identity_id);
    create index on raw_accounts (tenant_id, lower(name) text_pattern_ops);`);
  const started = performance.now();
  const cpu0 = cpuUs(backend);
  for (const { ids, names, values } of hrBatches(n)) {
    await c.query(
      `insert into raw_staged select 't', x.id, 1, x.name, x.a from unnest($1::text[], $2::text[], $3::jsonb[]) as x(id, name, a)`,
      [ids, names, values],
    );
  }
  for (const { ids, names, values } of hrBatches(n)) {
    await c.query(
      `insert into raw_identities (id, name, profile_id) select 'i' || x.id, x.name, 'p' from unnest($1::text[], $2::text[]) as x(id, name)`,
      [ids, names],
    );
    await c.query(
      `insert into raw_accounts (id, source_id, native_identity, name, attributes, identity_id)
      select 'a' || x.id, 's', x.id, x.name, x.a, 'i' || x.id from unnest($1::text[], $2::text[], $3::jsonb[]) as x(id, name, a)`,
      [ids, names, values],
    );
  }
  const rate = n / ((performance.now() - started) / 1000);
  const cpuUsPerRow = (cpuUs(backend) - cpu0) / n;
  await c.query('drop table raw_staged, raw_identities, raw_accounts');
  await c.end();
  return { rate, cpuUsPerRow };
}

async function api(url: string, h: Record<string, string>, method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: body === undefined ? h : { ...h, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return { body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

async function waitTask(url: string, h: Record<string, string>, id: string) {
  for (;;) {
    const { body } = await api(url, h, 'GET', `/v3/task-status/${id}`);
    if (body.completed) return body;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The database's own rate for the same work: batched UPDATE … FROM unnest of jsonb rows of this size. */
async function rawUpdateRate(
  dbUrl: string,
  sample: Record<string, unknown>,
  n: number,
): Promise<{ rate: number; cpuUsPerRow: number }> {
  const c = new pg.Client({ connectionString: dbUrl });
  await c.connect();
  const backend = (await c.query('select pg_backend_pid() as pid')).rows[0].pid as number;
  await c.query('create table raw_bench (id text primary key, attributes jsonb not null)');
  await c.query(`insert into raw_bench select 'r' || g, '{}'::jsonb from generate_series(1, $1) g`, [n]);
  const started = performance.now();
  const cpu0 = cpuUs(backend);
  for (let i = 1; i <= n; i += 1000) {
    const ids: string[] = [];
    const values: string[] = [];
    for (let j = i; j < Math.min(i + 1000, n + 1); j++) {
      ids.push(`r${j}`);
      values.push(JSON.stringify({ ...sample, employeeNumber: `E${j}` }));
    }
    await c.query(
      'update raw_bench t set attributes = x.a from unnest($1::text[], $2::jsonb[]) as x(id, a) where t.id = x.id',
      [ids, values],
    );
  }
  const rate = n / ((performance.now() - started) / 1000);
  const cpuUsPerRow = (cpuUs(backend) - cpu0) / n;
  await c.query('drop table raw_bench');
  await c.end();
  return { rate, cpuUsPerRow };
}

async function main() {
  const db = await freshDatabase('bench_process');
  const workDir = mkdtempSync(join(tmpdir(), 'bench-'));
  const contender = CONTEND ? startContender() : undefined;
  const load0 = loadavg()[0];
  // tokens for a whole run (a million accounts take longer than the default 749 s)
  const where: Record<string, string> = PGLITE
    ? { IDPROFILES_DATA_DIR: join(workDir, 'data') }
    : { DATABASE_URL: db.url };
  const server = await startServer(
    {
      ...where,
      IDPROFILES_CLIENT_ID: CLIENT.id,
      IDPROFILES_CLIENT_SECRET: CLIENT.secret,
      IDPROFILES_TOKEN_TTL: '86400',
    },
    'serve',
    {
      script: SERVER_SCRIPT,
      nodeArgs: CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}`, '--cpu-prof-name=process.cpuprofile'] : [],
    },
  );
  try {
    const h = await tokenFor(server.url, CLIENT.id, CLIENT.secret);
    const csv = join(workDir, 'hr.csv');
    await writeHrCsv(csv, N);
    const source = (await api(server.url, h, 'POST', '/v3/sources', HR_SOURCE)).body;
    const profile = (await api(server.url, h, 'POST', '/v3/identity-profiles', hrProfile(source.id))).body;

    const t0 = performance.now();
    const form = new FormData();
    form.append('file', await openAsBlob(csv), 'hr.csv');
    const load = await fetch(`${server.url}/v3/sources/${source.id}/load-accounts`, {
      method: 'POST',
      headers: h,
      body: form,
    });
    const loadTask = await waitTask(server.url, h, ((await load.json()) as { task: { id: string } }).task.id);
    const loadSeconds = (performance.now() - t0) / 1000;
    progress(`load done in ${loadSeconds.toFixed(1)} s`);
    // the load started the first processing run of the profile (its result names it): follow it, counting the CPU the
    // server and the database's backends spend on it (steadier than seconds on a shared machine)
    const dbName = PGLITE ? undefined : new URL(db.url).pathname.slice(1);
    const meter = cpuMeter([server.child.pid!], dbName);
    meter.start();
    const first = await waitTask(server.url, h, loadTask.result.processingTaskIds[0]);
    const firstCpu = meter.stop();
    const firstSeconds = runSeconds(first);
    progress(`first processing done in ${firstSeconds.toFixed(1)} s`);
    // the raw rate is measured before and after the re-run: it moves with what else the machine does
    const sample = (await api(server.url, h, 'GET', '/v2025/identities?limit=1')).body[0].attributes;
    const rawBefore = PGLITE ? undefined : await rawUpdateRate(db.url, sample, N);
    const insertBefore = PGLITE ? undefined : await rawInsertRate(db.url, N);
    const loadWrites = PGLITE ? undefined : await rawLoadWritesRate(db.url, N);
    if (rawBefore && insertBefore)
      progress(
        `raw update (before): ${Math.round(rawBefore.rate)} rows/s, raw insert ${Math.round(insertBefore.rate)} rows/s`,
      );
    const second = await runProcessing(server.url, h, profile.id);
    const secondSeconds = runSeconds(second);
    progress(`unchanged re-run done in ${secondSeconds.toFixed(1)} s`);
    const rawAfter = PGLITE ? undefined : await rawUpdateRate(db.url, sample, N);
    const insertAfter = PGLITE ? undefined : await rawInsertRate(db.url, N);
    const mean = (a?: { rate: number; cpuUsPerRow: number }, b?: { rate: number; cpuUsPerRow: number }) =>
      a && b
        ? { rate: (a.rate + b.rate) / 2, cpuUsPerRow: (a.cpuUsPerRow + b.cpuUsPerRow) / 2, runs: [a.rate, b.rate] }
        : undefined;
    const raw = mean(rawBefore, rawAfter);
    const rawInsert = mean(insertBefore, insertAfter);
    const firstRate = first.result.processed / firstSeconds;
    print({
      loadWrites,
      loadTask,
      loadSeconds,
      first,
      firstSeconds,
      firstCpu,
      second,
      secondSeconds,
      raw,
      rawInsert,
      firstRate,
      peak: server.peakRssMb(),
      load0,
      load1: loadavg()[0],
    });
  } finally {
    contender?.kill();
    await server.stop();
    if (KEEP_DB) process.stdout.write(`database kept: ${db.url}\n`);
    else await db.drop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

const progress = (line: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);

/** Seconds between a task's launch and completion, as the server recorded them. */
const runSeconds = (task: { launched: string; completed: string }) =>
  (Date.parse(task.completed) - Date.parse(task.launched)) / 1000;

async function runProcessing(url: string, h: Record<string, string>, profileId: string) {
  const { headers } = await api(url, h, 'POST', `/v3/identity-profiles/${profileId}/process-identities`);
  return waitTask(url, h, headers.get('location')!.split('/').pop()!);
}

function print(r: any) {
  const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
  const loadRate = N / r.loadSeconds;
  process.stdout.write(
    `${[
      `accounts: ${fmt(N)} on ${PGLITE ? 'PGlite' : 'PostgreSQL'}${CONTEND ? ', beside a CPU-bound process (--contend)' : ''}; load average ${r.load0.toFixed(1)} at the start, ${r.load1.toFixed(1)} at the end`,
      `load (upload + apply + identity formation): ${r.loadSeconds.toFixed(1)} s, ${fmt(loadRate)} rows/s (${r.loadTask.completionStatus}, ${JSON.stringify({ added: r.loadTask.result.added, identitiesCreated: r.loadTask.result.identitiesCreated })})`,
      ...(r.rawInsert
        ? [
            `raw batched INSERT … SELECT FROM unnest (same rows, same database): ${fmt(r.rawInsert.rate)} rows/s (mean of ${r.rawInsert.runs.map(fmt).join(' and ')}) → the load is ${(loadRate / r.rawInsert.rate).toFixed(2)} of it`,
          ]
        : []),
      ...(r.loadWrites
        ? [
            `raw writes of a load (the rows into staging, accounts and identities indexed as the product's, batches of 1,000): ${fmt(r.loadWrites.rate)} rows/s → the load is ${(loadRate / r.loadWrites.rate).toFixed(2)} of it`,
          ]
        : []),
      `first processing: ${r.firstSeconds.toFixed(2)} s, ${fmt(r.firstRate)} identities/s (changed ${fmt(r.first.result.changed)}, failed ${r.first.result.failed}, managers ${fmt(r.first.result.managersChanged)})`,
      `unchanged re-run: ${r.secondSeconds.toFixed(2)} s, ${fmt(r.second.result.processed / r.secondSeconds)} identities/s (changed ${r.second.result.changed}) → ${(r.firstSeconds / r.secondSeconds).toFixed(2)}× faster than the first`,
      ...(r.raw
        ? [
            `raw batched UPDATE … FROM unnest (same rows, same database): ${fmt(r.raw.rate)} rows/s (mean of ${r.raw.runs.map(fmt).join(' and ')}) → processing is ${(r.firstRate / r.raw.rate).toFixed(2)} of it`,
            `CPU per identity in the first processing: server ${(r.firstCpu[0] / r.first.result.processed).toFixed(1)} µs + PostgreSQL ${(r.firstCpu[1] / r.first.result.processed).toFixed(1)} µs; raw UPDATE: PostgreSQL ${r.raw.cpuUsPerRow.toFixed(1)} µs per row`,
          ]
        : [
            `CPU per identity in the first processing: server (with its database) ${(r.firstCpu[0] / r.first.result.processed).toFixed(1)} µs`,
          ]),
      `server peak RSS: ${r.peak.toFixed(0)} MB`,
    ].join('\n')}\n`,
  );
}

await main();
