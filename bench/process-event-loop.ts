/**
 * bench/process-event-loop: how long processing holds a server's event loop (issue 13), on PostgreSQL.
 *
 *   npm run build && npx tsx bench/process-event-loop.ts [N=20000] [--costly=1000] [--rounds=2] \
 *       [--server=OTHER/dist/cli/index.js ...] [--no-health]
 *
 * Every build given (`--server`, repeatable; default this folder's dist/cli/index.js) runs in
 * turn, `rounds` times over, each time as a fresh `serve` on a fresh database, preloaded with
 * bench/lib/loop-monitor.mjs. Two sources: HR with N accounts and the 10-mapping profile of
 * bench/lib/hr.ts, HR2 with `costly` accounts and the same profile. After their loads and first
 * runs, two measured runs, each after a change of the mappings that changes every identity:
 *   cheap   HR's profile, the 10 mappings and a static one
 *   costly  HR2's profile, the same plus six templates of 5,000 steps (~5 ms per identity)
 * For each: the run's seconds (task launched → completed, as the server recorded them), the CPU
 * the server and the database's backends spent meanwhile (per identity; the /health probe's
 * requests are counted too, the same for every build), the server's longest event-loop delay and p99 (monitorEventLoopDelay), its longest stretch without a
 * turn in CPU time (which a loaded machine does not inflate), and the slowest of the GET /health
 * requests a second client sends every 20 ms meanwhile.
 */
import { existsSync, mkdtempSync, openAsBlob, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { cpuMeter } from './lib/cpu.js';
import { HR_MAPPINGS, HR_SOURCE, writeHrCsv } from './lib/hr.js';
import { freshDatabase, startServer, tokenFor, type RunningServer } from './lib/server.js';

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    costly: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '2' },
    server: { type: 'string', multiple: true },
    /** `--no-health`: no /health probe (its requests count in the run's CPU and lengthen it). */
    'no-health': { type: 'boolean', default: false },
  },
});
const N = Number(positionals[0] ?? 20_000);
const COSTLY_N = Number(opts.costly);
const ROUNDS = Number(opts.rounds);
const BUILDS = opts.server?.length ? opts.server : ['dist/cli/index.js'];
const CLIENT = { id: 'benchclient', secret: 'bench-secret-123' };
const MONITOR = pathToFileURL(resolve('bench/lib/loop-monitor.mjs')).href;

type Headers = Record<string, string>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function api(
  url: string,
  h: Headers,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: body === undefined ? h : { ...h, 'content-type': contentType },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return { body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

async function waitTask(url: string, h: Headers, id: string) {
  for (;;) {
    const { body } = await api(url, h, 'GET', `/v3/task-status/${id}`);
    if (body.completed) return body;
    await sleep(100);
  }
}

const forSource = (name: string) =>
  JSON.parse(
    JSON.stringify(HR_MAPPINGS).replaceAll('"sourceName":"HR"', `"sourceName":"${name}"`),
  ) as typeof HR_MAPPINGS;
const costly = { type: 'static', attributes: { value: '#foreach($i in [1..5000])#{end}ok' } };
/** Mappings that change every identity's `round` attribute, so each measured run writes them all. */
const cheapMappings = (source: string, round: string) => [
  ...forSource(source),
  { identityAttributeName: 'round', transformDefinition: { type: 'static', attributes: { value: round } } },
];
const costlyMappings = (source: string, round: string) => [
  ...cheapMappings(source, round),
  ...Array.from({ length: 6 }, (_, i) => ({ identityAttributeName: `costly${i}`, transformDefinition: costly })),
];

/** What the server's loop monitor saw since it was last asked. */
async function loopReport(server: RunningServer, file: string) {
  rmSync(file, { force: true });
  server.child.kill('SIGUSR2');
  for (let i = 0; i < 3000; i++) {
    if (existsSync(file)) {
      try {
        return JSON.parse(readFileSync(file, 'utf8')) as {
          delay: { maxMs: number; p99Ms: number };
          stretch: { wallMs: number; cpuMs: number };
        };
      } catch {
        /* being written */
      }
    }
    await sleep(10);
  }
  throw new Error('the loop monitor did not answer');
}

/** GET /health every 20 ms (open loop) until stopped; the slowest answer. */
function healthProbe(url: string) {
  let slowest = 0;
  const pending = new Set<Promise<void>>();
  const timer = setInterval(() => {
    const sent = performance.now();
    const p = fetch(`${url}/health`)
      .then((r) => r.text())
      .then(
        () => {
          slowest = Math.max(slowest, performance.now() - sent);
        },
        () => {
          slowest = Infinity;
        },
      )
      .finally(() => pending.delete(p));
    pending.add(p);
  }, 20);
  return {
    async stop() {
      clearInterval(timer);
      await Promise.all(pending);
      return slowest;
    },
  };
}

async function load(url: string, h: Headers, sourceId: string, csv: string) {
  const form = new FormData();
  form.append('file', await openAsBlob(csv), 'accounts.csv');
  const res = await fetch(`${url}/v3/sources/${sourceId}/load-accounts`, { method: 'POST', headers: h, body: form });
  const task = await waitTask(url, h, ((await res.json()) as { task: { id: string } }).task.id);
  await waitTask(url, h, task.result.processingTaskIds[0]);
}

interface Measured {
  build: string;
  run: string;
  identities: number;
  seconds: number;
  cpuUs: [number, number];
  delay: { maxMs: number; p99Ms: number };
  stretch: { wallMs: number; cpuMs: number };
  healthMs: number;
}

async function measureRun(
  server: RunningServer,
  h: Headers,
  file: string,
  dbName: string,
  profileId: string,
  mappings: unknown,
): Promise<Omit<Measured, 'build' | 'run'>> {
  await api(
    server.url,
    h,
    'PATCH',
    `/v3/identity-profiles/${profileId}`,
    [{ op: 'replace', path: '/identityAttributeConfig', value: { enabled: true, attributeTransforms: mappings } }],
    'application/json-patch+json',
  );
  await loopReport(server, file); // starts a fresh window
  const probe = opts['no-health'] ? { stop: async () => NaN } : healthProbe(server.url);
  const meter = cpuMeter([server.child.pid!], dbName);
  meter.start();
  const { headers } = await api(server.url, h, 'POST', `/v3/identity-profiles/${profileId}/process-identities`);
  const task = await waitTask(server.url, h, headers.get('location')!.split('/').pop()!);
  const cpuUs = meter.stop();
  const healthMs = await probe.stop();
  const { delay, stretch } = await loopReport(server, file);
  return {
    identities: task.result.processed,
    cpuUs,
    seconds: (Date.parse(task.completed) - Date.parse(task.launched)) / 1000,
    delay,
    stretch,
    healthMs,
  };
}

async function runBuild(
  build: string,
  workDir: string,
  csv: { hr: string; hr2: string },
  round: number,
): Promise<Measured[]> {
  const db = await freshDatabase('bench_loop');
  const file = join(workDir, 'loop.json');
  const server = await startServer(
    {
      DATABASE_URL: db.url,
      IDPROFILES_CLIENT_ID: CLIENT.id,
      IDPROFILES_CLIENT_SECRET: CLIENT.secret,
      IDPROFILES_TOKEN_TTL: '86400',
      BENCH_LOOP_FILE: file,
    },
    'serve',
    { script: build, nodeArgs: ['--import', MONITOR] },
  );
  try {
    const h = await tokenFor(server.url, CLIENT.id, CLIENT.secret);
    const profiles: Record<string, string> = {};
    for (const [name, path] of [
      ['HR', csv.hr],
      ['HR2', csv.hr2],
    ] as const) {
      const source = (await api(server.url, h, 'POST', '/v3/sources', { ...HR_SOURCE, name })).body;
      const profile = (
        await api(server.url, h, 'POST', '/v3/identity-profiles', {
          name: `${name} staff`,
          authoritativeSource: { id: source.id },
          identityAttributeConfig: { enabled: true, attributeTransforms: forSource(name) },
        })
      ).body;
      profiles[name] = profile.id;
      await load(server.url, h, source.id, path);
    }
    const dbName = new URL(db.url).pathname.slice(1);
    const cheap = await measureRun(server, h, file, dbName, profiles.HR, cheapMappings('HR', `r${round}`));
    const expensive = await measureRun(server, h, file, dbName, profiles.HR2, costlyMappings('HR2', `r${round}`));
    return [
      { build, run: 'cheap', ...cheap },
      { build, run: 'costly', ...expensive },
    ];
  } finally {
    await server.stop();
    await db.drop();
  }
}

async function main() {
  const workDir = mkdtempSync(join(tmpdir(), 'bench-loop-'));
  const csv = { hr: join(workDir, 'hr.csv'), hr2: join(workDir, 'hr2.csv') };
  await writeHrCsv(csv.hr, N);
  await writeHrCsv(csv.hr2, COSTLY_N);
  // HR2's people are other people than HR's
  writeFileSync(
    csv.hr2,
    readFileSync(csv.hr2, 'utf8')
      .replace(/\bE(\d+)/g, 'S$1')
      .replace(/\buser(\d+)/g, 'staff$1'),
  );
  const load0 = loadavg();
  const results: Measured[] = [];
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      for (const build of BUILDS) {
        for (const r of await runBuild(build, workDir, csv, round)) {
          results.push(r);
          process.stderr.write(`[round ${round}] ${line(r)}\n`);
        }
      }
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  const load1 = loadavg();
  process.stdout.write(
    `PostgreSQL, N=${N} (cheap), ${COSTLY_N} (costly), ${ROUNDS} round(s); load average at start ${load0.map((x) => x.toFixed(2)).join(' ')}, at end ${load1.map((x) => x.toFixed(2)).join(' ')}\n`,
  );
  for (const r of results) process.stdout.write(`${line(r)}\n`);
}

const line = (r: Measured) =>
  `${r.build.padEnd(34)} ${r.run.padEnd(6)} ${String(r.identities).padStart(6)} identities ${r.seconds.toFixed(2).padStart(6)} s` +
  ` (CPU per identity: server ${(r.cpuUs[0] / r.identities).toFixed(1)} µs + PostgreSQL ${(r.cpuUs[1] / r.identities).toFixed(1)} µs)` +
  ` | loop delay max ${r.delay.maxMs.toFixed(0).padStart(5)} ms, p99 ${r.delay.p99Ms.toFixed(0).padStart(4)} ms` +
  ` | longest stretch ${r.stretch.cpuMs.toFixed(0).padStart(5)} ms CPU (${r.stretch.wallMs.toFixed(0)} ms wall) | /health max ${r.healthMs.toFixed(0)} ms`;

await main();
