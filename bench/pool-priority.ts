/**
 * bench/pool-priority: how long a GET by id waits while heavy list requests keep every database
 * connection busy (issue 13: "100 concurrent ~220 ms queries made a GET by id wait up to 4.2 s").
 *
 *   npx tsx bench/pool-priority.ts [--accounts=200000] [--heavy=100] [--duration=10]
 *                                  [--variants=after,before] [--before=DIR]
 *
 * One fresh PostgreSQL database with N accounts on one source (loaded through the API) and one
 * identity profile. Each variant is a `serve` started from sources (tsx): `after` is this tree,
 * `before` another tree given by --before (e.g. `git archive <commit> src | tar -x -C DIR`, with
 * a node_modules link). Variants run A B B A. During each run `--heavy` clients send
 * `GET /v3/accounts?count=true&sorters=-modified&limit=250` back to back (a sort and a count over
 * every account: the heavy list) while one client sends `GET /v3/identity-profiles/{id}` every
 * 20 ms; it prints the GET's latency (p50, p99, max) and status counts, and the heavy requests'
 * count, statuses and p50. `env:NAME=VALUE,...` after a variant's name sets its environment
 * (e.g. `after env:IDPROFILES_DB_RESERVED_CONNECTIONS=0`: `--variants='after|after env:...'`).
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { multipartFile } from '../test/helpers/multipart.js';
import { freshDatabase, startServer, tokenFor, type RunningServer } from './lib/server.js';

const { values: opts } = parseArgs({
  options: {
    accounts: { type: 'string', default: '200000' },
    heavy: { type: 'string', default: '100' },
    duration: { type: 'string', default: '10' },
    variants: { type: 'string', default: 'after|before' },
    before: { type: 'string', default: '/tmp/idprofiles-before' },
  },
});
const N = Number(opts.accounts);
const HEAVY = Number(opts.heavy);
const DURATION_MS = Number(opts.duration) * 1000;
const CLIENT = { id: 'benchclient', secret: 'bench-secret-123' };
const HEAVY_PATH = '/v3/accounts?count=true&sorters=-modified&limit=250';

interface Variant {
  label: string;
  script: string;
  env: Record<string, string>;
}
const variants: Variant[] = opts.variants!.split('|').map((spec) => {
  const [name, ...rest] = spec.trim().split(/\s+/);
  const env = Object.fromEntries(
    rest
      .filter((r) => r.startsWith('env:'))
      .flatMap((r) => r.slice(4).split(','))
      .map((kv) => kv.split('=') as [string, string]),
  );
  const script = name === 'before' ? `${opts.before}/src/cli/index.ts` : 'src/cli/index.ts';
  return { label: spec.trim(), script, env };
});

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const ms = (x: number) => `${x.toFixed(0)} ms`;
const counts = (xs: number[]) =>
  Object.entries(xs.reduce<Record<number, number>>((a, s) => ((a[s] = (a[s] ?? 0) + 1), a), {}))
    .map(([s, n]) => `${s}×${n}`)
    .join(' ');
const load = () => execFileSync('cat', ['/proc/loadavg']).toString().split(' ').slice(0, 3).join(' ');

async function timed(url: string, h: Record<string, string>): Promise<{ ms: number; status: number }> {
  const t0 = performance.now();
  const res = await fetch(url, { headers: h });
  await res.arrayBuffer();
  return { ms: performance.now() - t0, status: res.status };
}

async function seed(server: RunningServer, h: Record<string, string>): Promise<string> {
  const api = async (method: string, path: string, body: unknown) =>
    (
      await fetch(`${server.url}${path}`, {
        method,
        headers: { ...h, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    ).json() as Promise<any>;
  const big = await api('POST', '/v3/sources', { name: 'Directory' });
  const csv = [
    'id,name,mail,department',
    ...Array.from({ length: N }, (_, i) => `A${i},user${i},user${i}@example.com,dept${i % 97}`),
  ].join('\n');
  const m = multipartFile('file', 'dir.csv', csv);
  const loadTask = (
    (await (
      await fetch(`${server.url}/v3/sources/${big.id}/load-accounts`, {
        method: 'POST',
        headers: { ...h, ...m.headers },
        body: m.payload,
      })
    ).json()) as any
  ).task.id;
  for (;;) {
    const t = (await (await fetch(`${server.url}/v3/task-status/${loadTask}`, { headers: h })).json()) as any;
    if (t.completed) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const hr = await api('POST', '/v3/sources', { name: 'HR' });
  const profile = await api('POST', '/v3/identity-profiles', { name: 'Staff', authoritativeSource: { id: hr.id } });
  return profile.id;
}

async function measure(server: RunningServer, h: Record<string, string>, profileId: string) {
  const heavy: Array<{ ms: number; status: number }> = [];
  const gets: Array<{ ms: number; status: number }> = [];
  const until = performance.now() + DURATION_MS;
  const heavyClients = Array.from({ length: HEAVY }, async () => {
    while (performance.now() < until) heavy.push(await timed(`${server.url}${HEAVY_PATH}`, h));
  });
  const getClient = (async () => {
    await new Promise((r) => setTimeout(r, 500)); // the heavy requests fill the pool first
    while (performance.now() < until) {
      gets.push(await timed(`${server.url}/v3/identity-profiles/${profileId}`, h));
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  await Promise.all([...heavyClients, getClient]);
  const g = gets.map((x) => x.ms).sort((a, b) => a - b);
  const hv = heavy
    .filter((x) => x.status === 200)
    .map((x) => x.ms)
    .sort((a, b) => a - b);
  return `GET by id: n=${gets.length} p50 ${ms(pct(g, 50))} p99 ${ms(pct(g, 99))} max ${ms(g.at(-1) ?? NaN)} [${counts(gets.map((x) => x.status))}] | heavy: n=${heavy.length} p50 ${ms(pct(hv, 50))} [${counts(heavy.map((x) => x.status))}]`;
}

const db = await freshDatabase('bench_pool');
try {
  const env = (v: Variant) => ({
    DATABASE_URL: db.url,
    IDPROFILES_CLIENT_ID: CLIENT.id,
    IDPROFILES_CLIENT_SECRET: CLIENT.secret,
    ...v.env,
  });
  let server = await startServer(env(variants[0]), 'serve', {
    stdout: 'ignore',
    script: variants[0].script,
    nodeArgs: ['--import', 'tsx'],
  });
  const profileId = await seed(server, await tokenFor(server.url, CLIENT.id, CLIENT.secret));
  await server.stop();
  console.log(`${N} accounts, ${HEAVY} heavy clients, ${DURATION_MS / 1000} s per run`);
  const order = variants.length === 2 ? [variants[0], variants[1], variants[1], variants[0]] : variants;
  for (const v of order) {
    server = await startServer(env(v), 'serve', { stdout: 'ignore', script: v.script, nodeArgs: ['--import', 'tsx'] });
    const h = await tokenFor(server.url, CLIENT.id, CLIENT.secret);
    for (let i = 0; i < 3; i++) await timed(`${server.url}${HEAVY_PATH}`, h); // warm: plans, caches
    const before = load();
    const line = await measure(server, h, profileId);
    console.log(`${v.label.padEnd(12)} load ${before} → ${load()} | ${line}`);
    await server.stop();
  }
} finally {
  await db.drop();
}
