/**
 * bench/api: requests per second of idprofiles next to a bare Fastify server answering the same
 * routes with the same JSON bodies from memory (the ceiling for one Node process here).
 *
 *   npm run bench:api                       (builds first)
 *   npx tsx bench/api.ts [--duration=6] [--warmup=2] [--connections=50] [--profiles=2000]
 *                        [--only=get,list,patch] [--no-pglite] [--no-postgres] [--no-ceiling]
 *                        [--cpu-prof=DIR] [--server=OTHER/dist/cli/index.js]
 *
 * For each database (PostgreSQL in a fresh database, then embedded PGlite in a fresh data folder):
 * start `node dist/cli/index.js serve` (rate limit off, LOG_LEVEL=info as shipped, its stdout
 * discarded), record the time to ready and the idle RSS, create N sources and N profiles (3
 * mappings each) through the API, start the ceiling (bench/ceiling-server.ts) with those bodies,
 * then per scenario warm both up and measure them alternately A B B A.
 */
import autocannon from 'autocannon';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { backendsCpu, cpuUs } from './lib/cpu.js';
import { freshDatabase, startServer, tokenFor, type RunningServer } from './lib/server.js';

const { values: opts } = parseArgs({
  options: {
    duration: { type: 'string', default: '6' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '50' },
    profiles: { type: 'string', default: '2000' },
    only: { type: 'string', default: 'get,list,patch' },
    'no-pglite': { type: 'boolean', default: false },
    'no-postgres': { type: 'boolean', default: false },
    'no-ceiling': { type: 'boolean', default: false },
    /** Keep the PostgreSQL database (its URL is printed), e.g. to EXPLAIN the queries on it. */
    'keep-db': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    /** Another build of idprofiles to measure (e.g. the commit before a change, built elsewhere). */
    server: { type: 'string', default: 'dist/cli/index.js' },
  },
});
const DURATION = Number(opts.duration);
const WARMUP = Number(opts.warmup);
const CONNECTIONS = Number(opts.connections);
const N = Number(opts.profiles);
const ONLY = new Set(opts.only!.split(','));
const CLIENT = { id: 'benchclient', secret: 'bench-secret-123' };
const GROUPS = [
  'Alpha',
  'Bravo',
  'Charlie',
  'Delta',
  'Echo',
  'Foxtrot',
  'Golf',
  'Hotel',
  'India',
  'Juliett',
  'Kilo',
  'Lima',
  'Mike',
  'November',
  'Oscar',
  'Papa',
  'Quebec',
  'Romeo',
  'Sierra',
  'Tango',
];
const LIST_QUERIES = GROUPS.map(
  (g) =>
    `filters=${encodeURIComponent(`name sw "${g}"`)}&sorters=${encodeURIComponent('-priority,name')}&limit=50&count=true`,
);

type Headers = Record<string, string>;

async function api(url: string, h: Headers, method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: body === undefined ? h : { ...h, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return { body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

/** Runs `fn(0..n-1)` with at most `parallel` at a time. */
async function inParallel(n: number, parallel: number, fn: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

/** N sources and N profiles (each on its own source), named `<Group> profile NNNN`, 3 mappings each. */
async function seed(url: string, h: Headers): Promise<string[]> {
  const ids: string[] = new Array(N);
  await inParallel(N, 8, async (i) => {
    const sourceName = `HR ${String(i).padStart(4, '0')}`;
    const source = (await api(url, h, 'POST', '/v3/sources', { name: sourceName })).body;
    const attr = (attributeName: string) => ({ type: 'accountAttribute', attributes: { attributeName, sourceName } });
    const profile = (
      await api(url, h, 'POST', '/v3/identity-profiles', {
        name: `${GROUPS[i % GROUPS.length]} profile ${String(i).padStart(4, '0')}`,
        description: `Benchmark profile ${i}`,
        priority: (i * 7919) % 500,
        owner: { type: 'IDENTITY', id: `owner${i % 17}`, name: `Owner ${i % 17}` },
        authoritativeSource: { type: 'SOURCE', id: source.id },
        identityAttributeConfig: {
          enabled: true,
          attributeTransforms: [
            { identityAttributeName: 'uid', transformDefinition: attr('name') },
            {
              identityAttributeName: 'email',
              transformDefinition: { type: 'lower', attributes: { input: attr('mail') } },
            },
            {
              identityAttributeName: 'displayName',
              transformDefinition: { type: 'concat', attributes: { values: [attr('first'), ' ', attr('last')] } },
            },
          ],
        },
      })
    ).body;
    ids[i] = profile.id;
  });
  return ids;
}

/** What the ceiling serves: every profile, and each list query's page and total, as idprofiles answered them. */
async function ceilingData(url: string, h: Headers) {
  const profiles: unknown[] = [];
  for (let offset = 0; ; offset += 250) {
    const page = (await api(url, h, 'GET', `/v3/identity-profiles?limit=250&offset=${offset}`)).body as unknown[];
    profiles.push(...page);
    if (page.length < 250) break;
  }
  const lists: Record<string, { total: number; items: unknown[] }> = {};
  for (const q of LIST_QUERIES) {
    const { body, headers } = await api(url, h, 'GET', `/v3/identity-profiles?${q}`);
    lists[q] = { total: Number(headers.get('x-total-count')), items: body };
  }
  return { profiles, lists };
}

const pick = <T>(xs: readonly T[]) => xs[Math.floor(Math.random() * xs.length)];

type Scenario = { name: string; label: string; request: (ids: string[]) => autocannon.Request };
const SCENARIOS: Scenario[] = [
  {
    name: 'get',
    label: 'GET /v3/identity-profiles/{id}',
    request: (ids) => ({ method: 'GET', setupRequest: (r) => ({ ...r, path: `/v3/identity-profiles/${pick(ids)}` }) }),
  },
  {
    name: 'list',
    label: 'GET list name sw, -priority,name, limit 50, count',
    request: () => ({
      method: 'GET',
      setupRequest: (r) => ({ ...r, path: `/v3/identity-profiles?${pick(LIST_QUERIES)}` }),
    }),
  },
  {
    name: 'patch',
    label: 'PATCH replace /description',
    request: (ids) => ({
      method: 'PATCH',
      setupRequest: (r) => ({
        ...r,
        path: `/v3/identity-profiles/${pick(ids)}`,
        headers: { ...r.headers, 'content-type': 'application/json-patch+json' },
        body: JSON.stringify([
          { op: 'replace', path: '/description', value: `Changed ${Math.random().toString(36).slice(2)}` },
        ]),
      }),
    }),
  },
];

interface Run {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  cpuUsPerRequest: number;
  sysUsPerRequest: number;
  dbCpuUsPerRequest: number;
}

const dbNameOf = (server: RunningServer) => (server as RunningServer & { dbName?: string }).dbName;

async function load(server: RunningServer, h: Headers, request: autocannon.Request, seconds: number): Promise<Run> {
  const cpu0 = cpuUs(server.child.pid!);
  const sys0 = cpuUs(server.child.pid!, 'sys');
  const db0 = backendsCpu(dbNameOf(server));
  const r = await autocannon({
    url: server.url,
    connections: CONNECTIONS,
    duration: seconds,
    headers: h,
    requests: [request],
  });
  const cpu = cpuUs(server.child.pid!) - cpu0;
  const sys = cpuUs(server.child.pid!, 'sys') - sys0;
  let dbCpu = 0;
  for (const [pid, us] of backendsCpu(dbNameOf(server))) dbCpu += us - (db0.get(pid) ?? 0);
  return {
    rps: r.requests.total / r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    cpuUsPerRequest: cpu / r.requests.total,
    sysUsPerRequest: sys / r.requests.total,
    dbCpuUsPerRequest: dbCpu / r.requests.total,
  };
}

interface Result {
  scenario: Scenario;
  ours: Run[];
  ceiling: Run[];
}

async function measure(
  ours: RunningServer,
  ceiling: RunningServer | undefined,
  h: Headers,
  ids: string[],
): Promise<Result[]> {
  const results: Result[] = [];
  for (const scenario of SCENARIOS.filter((s) => ONLY.has(s.name))) {
    const req = scenario.request(ids);
    await load(ours, h, req, WARMUP);
    if (ceiling) await load(ceiling, h, req, WARMUP);
    const a1 = await load(ours, h, req, DURATION);
    const b1 = ceiling ? await load(ceiling, h, req, DURATION) : undefined;
    const b2 = ceiling ? await load(ceiling, h, req, DURATION) : undefined;
    const a2 = await load(ours, h, req, DURATION);
    results.push({ scenario, ours: [a1, a2], ceiling: b1 && b2 ? [b1, b2] : [] });
    process.stderr.write(`  ${scenario.name}: ${Math.round((a1.rps + a2.rps) / 2)}/s\n`);
  }
  return results;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const fmt = (x: number) => Math.round(x).toLocaleString('en-US');

function report(
  kind: string,
  info: { readyMs: number; restartMs: number; idleRss: number; peakRss: number; seedSeconds: number },
  results: Result[],
): string {
  const lines = [
    `## ${kind}`,
    `start-up to ready: ${fmt(info.readyMs)} ms on a fresh database (migrations), ${fmt(info.restartMs)} ms restarting on it with ${fmt(N)} profiles`,
    `idle RSS after start: ${info.idleRss.toFixed(0)} MB; peak RSS during the benchmark (restarted process): ${info.peakRss.toFixed(0)} MB`,
    `seeding ${fmt(N)} sources + ${fmt(N)} profiles through the API: ${info.seedSeconds.toFixed(1)} s`,
    '',
    '| scenario | idprofiles req/s | ceiling req/s | ratio | p50 ms | p99 ms | ceiling p50 / p99 ms | non-2xx | errors | server CPU µs/req: all, kernel (ceiling) | PostgreSQL CPU µs/req |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const { scenario, ours, ceiling } of results) {
    const o = mean(ours.map((r) => r.rps));
    const c = ceiling.length ? mean(ceiling.map((r) => r.rps)) : NaN;
    lines.push(
      `| ${scenario.label} | ${fmt(o)} (${ours.map((r) => fmt(r.rps)).join(', ')}) | ${ceiling.length ? `${fmt(c)} (${ceiling.map((r) => fmt(r.rps)).join(', ')})` : '–'} | ${Number.isNaN(c) ? '–' : (o / c).toFixed(2)} | ${mean(ours.map((r) => r.p50)).toFixed(1)} | ${Math.max(...ours.map((r) => r.p99)).toFixed(1)} | ${ceiling.length ? `${mean(ceiling.map((r) => r.p50)).toFixed(1)} / ${Math.max(...ceiling.map((r) => r.p99)).toFixed(1)}` : '–'} | ${ours.reduce((a, r) => a + r.non2xx, 0)} | ${ours.reduce((a, r) => a + r.errors, 0)} | ${fmt(mean(ours.map((r) => r.cpuUsPerRequest)))}, ${fmt(mean(ours.map((r) => r.sysUsPerRequest)))} (${ceiling.length ? `${fmt(mean(ceiling.map((r) => r.cpuUsPerRequest)))}, ${fmt(mean(ceiling.map((r) => r.sysUsPerRequest)))}` : '–'}) | ${kind === 'PGlite' ? 'in the server' : fmt(mean(ours.map((r) => r.dbCpuUsPerRequest)))} |`,
    );
  }
  return lines.join('\n');
}

async function benchDatabase(kind: 'PostgreSQL' | 'PGlite'): Promise<string> {
  process.stderr.write(`${kind}: starting\n`);
  const db = kind === 'PostgreSQL' ? await freshDatabase('bench_api') : undefined;
  const dataDir = kind === 'PGlite' ? mkdtempSync(join(tmpdir(), 'bench-api-pglite-')) : undefined;
  const env = {
    ...(db ? { DATABASE_URL: db.url } : { IDPROFILES_DATA_DIR: dataDir! }),
    IDPROFILES_CLIENT_ID: CLIENT.id,
    IDPROFILES_CLIENT_SECRET: CLIENT.secret,
    LOG_LEVEL: 'info',
  };
  const nodeArgs = opts['cpu-prof']
    ? ['--cpu-prof', `--cpu-prof-dir=${opts['cpu-prof']}`, `--cpu-prof-name=api-${kind}.cpuprofile`]
    : [];
  let server = await startServer(env, 'serve', { stdout: 'ignore', script: opts.server });
  let ceiling: RunningServer | undefined;
  const dataFile = join(mkdtempSync(join(tmpdir(), 'bench-api-')), 'ceiling.json');
  try {
    const readyMs = server.readyMs;
    await new Promise((r) => setTimeout(r, 1000));
    const idleRss = server.rssMb();
    let h = await tokenFor(server.url, CLIENT.id, CLIENT.secret);
    const t0 = performance.now();
    const ids = await seed(server.url, h);
    const seedSeconds = (performance.now() - t0) / 1000;
    writeFileSync(dataFile, JSON.stringify(await ceilingData(server.url, h)));
    // restart on the seeded database: start-up time with data, and a clean process to measure (and profile)
    await server.stop();
    server = await startServer(env, 'serve', { stdout: 'ignore', nodeArgs, script: opts.server });
    if (db) Object.assign(server, { dbName: new URL(db.url).pathname.slice(1) });
    const restartMs = server.readyMs;
    h = await tokenFor(server.url, CLIENT.id, CLIENT.secret);
    if (!opts['no-ceiling'])
      ceiling = await startServer({}, dataFile, { script: 'bench/ceiling-server.ts', nodeArgs: ['--import', 'tsx'] });
    process.stderr.write(`${kind}: seeded in ${seedSeconds.toFixed(1)} s, measuring\n`);
    const results = await measure(server, ceiling, h, ids);
    const peakRss = server.peakRssMb();
    return report(kind, { readyMs, restartMs, idleRss, peakRss, seedSeconds }, results);
  } finally {
    await ceiling?.stop();
    await server.stop();
    if (db && opts['keep-db']) process.stderr.write(`kept ${db.url}\n`);
    else await db?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  const { loadavg, cpus } = await import('node:os');
  const before = loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  const out: string[] = [
    `# bench/api — ${new Date().toISOString()}`,
    `node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model.trim()}); ${CONNECTIONS} connections, ${WARMUP} s warm-up, ${DURATION} s per run, A B B A (each figure the mean of 2 runs; p99 the worse run)`,
    `server: ${opts.server}; load average before: ${before}`,
    '',
  ];
  if (!opts['no-postgres']) out.push(await benchDatabase('PostgreSQL'), '');
  if (!opts['no-pglite']) out.push(await benchDatabase('PGlite'), '');
  out.push(
    `load average after: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
}

await main();
