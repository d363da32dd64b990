/**
 * Token endpoint: what a request costs for an unknown client id, a known id with a wrong secret
 * and the right secret (the first two must not differ: the time must not tell whether an id
 * exists), and how a flood of made-up ids from one address is answered. In process (app.inject)
 * on in-memory PGlite, the three kinds interleaved so contention hits them alike.
 *
 *   npx tsx bench/token.ts [rounds=40] [flood=3000] [src=../src]
 *
 * `src` may point at another checkout's src/ (e.g. `git archive <commit> src | tar -x -C /tmp/base`)
 * to compare builds in one session: run A B B A.
 */
import { availableParallelism, loadavg } from 'node:os';
import { resolve } from 'node:path';

const [rounds = 40, flood = 3000] = process.argv.slice(2, 4).map(Number);
const src = resolve(import.meta.dirname, process.argv[4] ?? '../src');

const { createDatabase, migrateToLatest } = await import(`${src}/db/database.js`);
const { createServices } = await import(`${src}/services.js`);
const { buildApp } = await import(`${src}/app.js`);
const { apiClientRepository } = await import(`${src}/db/repositories/clients.js`);
const { createClient } = await import(`${src}/domain/clients/service.js`);
const { pino } = await import('pino');

const database = await createDatabase({ dataDir: 'memory://' });
await migrateToLatest(database);
const services = await createServices(database, {
  config: { tokenTtlSeconds: 600 },
  logger: pino({ level: 'silent' }),
  runJobs: false,
});
// the lockout (rate limit on) as in production; the per-address token limit as configured by default
const app = await buildApp({
  services,
  config: {
    rateLimit: { max: 100, windowSeconds: 10 },
    tokenRateLimit: { max: 100, windowSeconds: 60 },
    logLevel: 'silent',
  },
  logger: false,
});
await app.ready();
const repo = apiClientRepository(database.db);

let address = 0;
/** Each timed request from its own address, so neither limit interferes with the timing. */
async function tokenRequest(clientId: string, secret: string): Promise<{ ms: number; status: number }> {
  const started = performance.now();
  const res = await app.inject({
    method: 'POST',
    url: '/oauth/token',
    remoteAddress: `10.0.${(address >> 8) & 255}.${address++ & 255}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: `grant_type=client_credentials&client_id=${clientId}&client_secret=${secret}`,
  });
  return { ms: performance.now() - started, status: res.statusCode };
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))].toFixed(1);
  return `median ${at(0.5)} ms, p10 ${at(0.1)}, p90 ${at(0.9)}`;
};

const kinds = {
  'unknown id': { times: [] as number[], statuses: new Set<number>() },
  'known id, wrong secret': { times: [] as number[], statuses: new Set<number>() },
  'known id, right secret': { times: [] as number[], statuses: new Set<number>() },
};
for (let i = 0; i < rounds; i++) {
  // a new client per round: its wrong secret never reaches the lockout
  const { client, secret } = await createClient(repo, { name: 'bench' });
  const runs: Array<[keyof typeof kinds, string, string]> = [
    ['unknown id', `ffff${i.toString(16).padStart(28, '0')}`, 'wrong-secret'],
    ['known id, wrong secret', client.id, 'wrong-secret'],
    ['known id, right secret', client.id, secret],
  ];
  for (const [kind, id, s] of i % 2 ? runs.reverse() : runs) {
    const { ms, status } = await tokenRequest(id, s);
    if (i > 0) kinds[kind].times.push(ms); // the first round warms up
    kinds[kind].statuses.add(status);
  }
}

console.log(
  `token endpoint, ${src}; load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}, ${availableParallelism()} cores`,
);
for (const [kind, { times, statuses }] of Object.entries(kinds))
  console.log(`  ${kind.padEnd(24)} ${stats(times)}  (status ${[...statuses].join('/')})`);

// a flood of made-up ids from one address, 20 at a time; batches answered with 429 only are timed apart
const counts = new Map<number, number>();
let refusedMs = 0;
let refused = 0;
const started = performance.now();
for (let i = 0; i < flood; i += 20) {
  const batchStarted = performance.now();
  const batch = await Promise.all(
    Array.from({ length: Math.min(20, flood - i) }, (_, j) =>
      app.inject({
        method: 'POST',
        url: '/oauth/token',
        remoteAddress: '192.0.2.1',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `grant_type=client_credentials&client_id=made-up-${i + j}&client_secret=guess`,
      }),
    ),
  );
  for (const r of batch) counts.set(r.statusCode, (counts.get(r.statusCode) ?? 0) + 1);
  if (batch.every((r) => r.statusCode === 429)) {
    refusedMs += performance.now() - batchStarted;
    refused += batch.length;
  }
}
const seconds = (performance.now() - started) / 1000;
console.log(
  `  flood from one address: ${flood} requests in ${seconds.toFixed(1)} s (${Math.round(flood / seconds)}/s): ${[...counts].map(([s, n]) => `${n}× ${s}`).join(', ')}`,
);
if (refused)
  console.log(`    of which refused before reading (429): ${Math.round((refusedMs * 1000) / refused)} µs per request`);
console.log(
  `  load after: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);

await app.close();
await services.close();
await database.close();
