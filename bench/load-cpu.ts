/**
 * bench/load-cpu: where a first load's time goes, on PostgreSQL — staging (the upload: parsing
 * the CSV and writing its rows to the staging table, until the 202) and apply (the job: accounts
 * and identities written, until the task completes) — as wall time and as CPU time of the server
 * and of the database's backends. CPU is the steadier figure on a shared machine: wall time
 * includes waiting for a core. Compare builds A B B A (`--server=OTHER/dist/cli/index.js`).
 *
 *   npm run build && npx tsx bench/load-cpu.ts [N=100000] [--server=OTHER/dist/cli/index.js] [--explain[=MS]] [--process] [--cpu-prof=DIR]
 *
 * `--explain[=MS]`: the bench database loads auto_explain, so every statement over MS (default 300)
 * ms (and each statement inside a trigger) is written to PostgreSQL's log with its plan, buffers
 * and the time each trigger took (Debian: /var/log/postgresql/postgresql-15-main.log).
 * `--process`: also wait for the processing run the load starts, and measure it the same way.
 */
import { mkdtempSync, openAsBlob, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { cpuMeter } from './lib/cpu.js';
import { HR_SOURCE, hrProfile, writeHrCsv } from './lib/hr.js';
import { freshDatabase, startServer, tokenFor } from './lib/server.js';

const args = process.argv.slice(2);
const N = Number(args.find((a) => !a.startsWith('--')) ?? 100_000);
const SERVER_SCRIPT = args.find((a) => a.startsWith('--server='))?.slice('--server='.length);
const EXPLAIN =
  args.find((a) => a.startsWith('--explain'))?.split('=')[1] ?? (args.includes('--explain') ? '300' : undefined);
const PROCESS = args.includes('--process');
/** `--cpu-prof=DIR`: the server writes a V8 CPU profile of its life there (bench/cpu-top.ts summarises it). */
const CPU_PROF = args.find((a) => a.startsWith('--cpu-prof='))?.slice('--cpu-prof='.length);

const db = await freshDatabase('bench_load_cpu');
if (EXPLAIN) await explainSlowStatements(db.url, EXPLAIN);
const dir = mkdtempSync(join(tmpdir(), 'bench-load-cpu-'));
const server = await startServer(
  { DATABASE_URL: db.url, IDPROFILES_CLIENT_ID: 'bench', IDPROFILES_CLIENT_SECRET: 'bench-secret-123' },
  'serve',
  {
    stdout: 'ignore',
    script: SERVER_SCRIPT,
    nodeArgs: CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}`, '--cpu-prof-name=load.cpuprofile'] : [],
  },
);
try {
  const h = await tokenFor(server.url, 'bench', 'bench-secret-123');
  const api = async (method: string, path: string, body?: unknown): Promise<any> =>
    (
      await fetch(server.url + path, {
        method,
        headers: { ...h, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
    ).json();
  await writeHrCsv(join(dir, 'hr.csv'), N);
  const source = await api('POST', '/v3/sources', HR_SOURCE);
  await api('POST', '/v3/identity-profiles', hrProfile(source.id));
  const form = new FormData();
  form.append('file', await openAsBlob(join(dir, 'hr.csv')), 'hr.csv');
  const database = new URL(db.url).pathname.slice(1);
  const load0 = loadavg()[0];
  const staging = cpuMeter([server.child.pid!], database);
  staging.start();
  const t0 = performance.now();
  const started: any = await (
    await fetch(`${server.url}/v3/sources/${source.id}/load-accounts`, { method: 'POST', headers: h, body: form })
  ).json();
  const stagedMs = performance.now() - t0;
  const stagingCpu = staging.stop();
  const apply = cpuMeter([server.child.pid!], database);
  apply.start();
  let task;
  for (;;) {
    task = await api('GET', `/v3/task-status/${started.task.id}`);
    if (task.completed) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const applyMs = performance.now() - t0 - stagedMs;
  const applyCpu = apply.stop();
  const ms = (us: number) => Math.round(us / 1000);
  let processLine: string[] = [];
  if (PROCESS) {
    const run = cpuMeter([server.child.pid!], database);
    run.start();
    const t1 = performance.now();
    for (;;) {
      const p = await api('GET', `/v3/task-status/${task.result.processingTaskIds[0]}`);
      if (p.completed) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const runCpu = run.stop();
    processLine = [
      `process: ${Math.round(performance.now() - t1)} ms wall, CPU server ${ms(runCpu[0])} ms + PostgreSQL ${ms(runCpu[1])} ms`,
    ];
  }
  process.stdout.write(
    `${[
      `${N.toLocaleString('en-US')} rows, ${task.completionStatus}; load average ${load0.toFixed(1)} → ${loadavg()[0].toFixed(1)}`,
      `staging: ${Math.round(stagedMs)} ms wall, CPU server ${ms(stagingCpu[0])} ms + PostgreSQL ${ms(stagingCpu[1])} ms`,
      `apply:   ${Math.round(applyMs)} ms wall, CPU server ${ms(applyCpu[0])} ms + PostgreSQL ${ms(applyCpu[1])} ms`,
      ...processLine,
    ].join('\n')}\n`,
  );
} finally {
  await server.stop();
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
}

async function explainSlowStatements(url: string, minMs: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const name = new URL(url).pathname.slice(1);
  const settings = {
    session_preload_libraries: 'auto_explain',
    'auto_explain.log_min_duration': minMs,
    'auto_explain.log_analyze': 'on',
    'auto_explain.log_buffers': 'on',
    'auto_explain.log_triggers': 'on',
    'auto_explain.log_nested_statements': 'on',
  };
  for (const [key, value] of Object.entries(settings))
    await client.query(`alter database ${name} set ${key} = '${value}'`);
  await client.end();
}
