/**
 * bench/json-bodies: what a JSON request body costs the event loop, from the first byte read to
 * the answer, for hostile bodies (huge objects and arrays, deep nesting; up to the 5 MiB body
 * limit) and for the largest legitimate ones. The app runs in this process on embedded PGlite
 * (app.inject); for each body, after 2 warm-up requests, 5 timed ones:
 *   - active: event-loop busy time during the request (performance.eventLoopUtilization), median
 *   - block:  the longest single stretch the loop was held (between two turns), median
 *
 *   npx tsx bench/json-bodies.ts [--root=OTHER] [--only=TEXT]
 *     --root: another work tree's root (the commit before a change), whose src/ is benchmarked
 *     --only: the cases whose name contains TEXT
 */
import { performance } from 'node:perf_hooks';
import { resolve } from 'node:path';
import { loadavg } from 'node:os';
import { pino } from 'pino';

const root = resolve(process.argv.find((a) => a.startsWith('--root='))?.slice('--root='.length) ?? '.');
const { buildApp } = await import(`${root}/src/app.ts`);
const { createDatabase, migrateToLatest } = await import(`${root}/src/db/database.ts`);
const { createServices } = await import(`${root}/src/services.ts`);
const { apiClientRepository } = await import(`${root}/src/db/repositories/clients.ts`);
const { createClient } = await import(`${root}/src/domain/clients/service.ts`);

const database = await createDatabase({ dataDir: 'memory://' });
await migrateToLatest(database);
const logger = pino({ level: 'silent' });
const services = await createServices(database, { config: { tokenTtlSeconds: 600 }, logger, runJobs: false });
const app = await buildApp({ services, config: { rateLimit: 'off', logLevel: 'silent' }, logger: false });
await app.ready();
const { client, secret } = await createClient(apiClientRepository(database.db), { name: 'bench' });
const token = (
  await app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: `grant_type=client_credentials&client_id=${client.id}&client_secret=${secret}`,
  })
).json().access_token;
const auth = { authorization: `Bearer ${token}` };
const source = (
  await app.inject({ method: 'POST', url: '/v3/sources', headers: auth, payload: { name: 'HR' } })
).json();
let unique = 0;
/** A profile of its own to PATCH (so a PATCH that was accepted does not weigh on the next round). */
const newProfile = async () => {
  const sourceId = (
    await app.inject({ method: 'POST', url: '/v3/sources', headers: auth, payload: { name: `PS${++unique}` } })
  ).json().id;
  return `/v3/identity-profiles/${(await app.inject({ method: 'POST', url: '/v3/identity-profiles', headers: auth, payload: { name: `Base${unique}`, authoritativeSource: { id: sourceId } } })).json().id}`;
};

const keys = (n: number, value: () => unknown = () => 'v') =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, value()]));
const withMappings = (name: string, attributeTransforms: unknown[], sourceId: string = source.id) => ({
  name,
  authoritativeSource: { id: sourceId },
  identityAttributeConfig: { enabled: true, attributeTransforms },
});
const mappingOf = (definition: unknown, name = 'x') => ({
  identityAttributeName: name,
  transformDefinition: definition,
});
const column = (i: number) => ({
  type: 'accountAttribute',
  attributes: { attributeName: `col${i}`, sourceName: 'HR' },
});

/** `body` gets a source of its own (a source is authoritative for one profile only). */
interface Case {
  name: string;
  method: 'POST' | 'PATCH';
  url: string | (() => Promise<string>);
  body: (sourceId: string) => string;
  contentType?: string;
}
const patchAdd = (value: unknown) =>
  JSON.stringify([{ op: 'add', path: '/identityAttributeConfig/attributeTransforms/0', value }]);
const CASES: Case[] = [
  {
    name: 'POST profile: one object of 100,000 keys (the issue)',
    method: 'POST',
    url: '/v3/identity-profiles',
    body: () => JSON.stringify(withMappings('P', [mappingOf({ type: 'accountAttribute', attributes: keys(100_000) })])),
  },
  {
    name: 'PATCH: a value of 100,000 keys',
    method: 'PATCH',
    url: newProfile,
    contentType: 'application/json-patch+json',
    body: () => patchAdd(mappingOf({ type: 'static', attributes: keys(100_000) })),
  },
  {
    name: 'POST transform: a table of 100,000 keys',
    method: 'POST',
    url: '/v3/transforms',
    body: () => JSON.stringify({ name: 'T', type: 'lookup', attributes: { table: keys(100_000) } }),
  },
  {
    name: 'POST profile: 5 MiB, one object of 380,000 keys',
    method: 'POST',
    url: '/v3/identity-profiles',
    body: () => JSON.stringify(withMappings('P', [mappingOf({ type: 'static', attributes: keys(380_000) })])),
  },
  {
    name: 'POST profile: 5 MiB, an array of 2.6 million numbers',
    method: 'POST',
    url: '/v3/identity-profiles',
    body: () =>
      JSON.stringify(
        withMappings('P', [mappingOf({ type: 'static', attributes: { value: 'x', list: Array(2_600_000).fill(1) } })]),
      ),
  },
  {
    name: 'POST profile: 2 MB, arrays nested 1 million deep',
    method: 'POST',
    url: '/v3/identity-profiles',
    body: () =>
      `{"name":"P","authoritativeSource":{"id":"${source.id}"},"x":${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}`,
  },
  {
    name: 'PATCH: 200,000 members, in 10 objects of 19,999 keys',
    method: 'PATCH',
    url: newProfile,
    contentType: 'application/json-patch+json',
    body: () => patchAdd(mappingOf({ type: 'static', attributes: { value: 'x', ...keys(10, () => keys(19_999)) } })),
  },
  {
    name: 'PATCH: 80,000 members (under the limits), in 4 objects of 19,999 keys',
    method: 'PATCH',
    url: newProfile,
    contentType: 'application/json-patch+json',
    body: () => patchAdd(mappingOf({ type: 'static', attributes: { value: 'x', ...keys(4, () => keys(19_999)) } })),
  },
  {
    name: 'POST profile: 95,000 members (under the limits), one-key objects',
    method: 'POST',
    url: '/v3/identity-profiles',
    body: (sourceId) =>
      JSON.stringify(
        withMappings(
          `P${++unique}`,
          [
            mappingOf({
              type: 'static',
              attributes: {
                value: 'x',
                list: Array.from({ length: 5 }, () => Array.from({ length: 9_499 }, () => ({ a: 1 }))),
              },
            }),
          ],
          sourceId,
        ),
      ),
  },
  {
    name: 'legitimate: a profile of 1,000 mappings and a 10,000-entry lookup (201)',
    method: 'POST',
    url: '/v3/identity-profiles',
    body: (sourceId) =>
      JSON.stringify(
        withMappings(
          `Big ${++unique}`,
          [
            mappingOf(
              {
                type: 'lookup',
                attributes: { input: column(0), table: { ...keys(9_999, () => 'value'), default: 'none' } },
              },
              'dept',
            ),
            ...Array.from({ length: 999 }, (_, i) => mappingOf(column(i + 1), `attr${i}`)),
          ],
          sourceId,
        ),
      ),
  },
];

/** The longest time between two turns of the event loop until `stop` (a setImmediate chain notes each turn). */
function longestBlock() {
  let last = performance.now();
  let longest = 0;
  let stopped = false;
  const tick = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    if (!stopped) setImmediate(tick);
  };
  setImmediate(tick);
  return {
    stop: () => {
      stopped = true;
      return Math.max(longest, performance.now() - last);
    },
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

console.log(
  `root ${root}, Node ${process.version}, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
for (const c of CASES.filter((x) => !only || x.name.includes(only))) {
  const active: number[] = [];
  const blocks: number[] = [];
  let status = 0;
  let text = '';
  let bytes = 0;
  for (let round = 0; round < 7; round++) {
    const body = c.body(
      (
        await app.inject({ method: 'POST', url: '/v3/sources', headers: auth, payload: { name: `S${++unique}` } })
      ).json().id,
    );
    bytes = Buffer.byteLength(body);
    const url = typeof c.url === 'string' ? c.url : await c.url();
    const ticker = longestBlock();
    const before = performance.eventLoopUtilization();
    const res = await app.inject({
      method: c.method,
      url,
      headers: { ...auth, 'content-type': c.contentType ?? 'application/json' },
      payload: body,
    });
    const used = performance.eventLoopUtilization(before);
    const block = ticker.stop();
    status = res.statusCode;
    text = res.statusCode >= 400 ? (res.json().messages?.[0]?.text ?? res.body) : '';
    if (round < 2) continue; // warm-up
    active.push(used.active);
    blocks.push(block);
  }
  console.log(
    `${c.name}: ${(bytes / 1024 / 1024).toFixed(2)} MiB → ${status}, active ${median(active).toFixed(0)} ms (${Math.min(...active).toFixed(0)}–${Math.max(...active).toFixed(0)}), longest block ${median(blocks).toFixed(0)} ms${text ? ` — ${text.slice(0, 110)}` : ''}`,
  );
}
console.log(
  `load average after: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
await app.close();
await services.close();
await database.close();
