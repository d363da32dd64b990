/**
 * bench/chunk-evaluation: the CPU cost of evaluating a chunk (processChunk with its database
 * calls stubbed), per identity, for the 10 cheap mappings of bench/lib/hr.ts: what pacing the
 * evaluation loop (issue 13) may cost cheap mappings, without the noise of a database.
 *
 *   node --expose-gc --import tsx bench/chunk-evaluation.ts [--rounds=15] [--chunk=2500] [OTHER_CHECKOUT ...]
 *
 * OTHER_CHECKOUT: another source tree (e.g. main's, `git archive` into a folder with node_modules
 * linked) whose src/domain/identities/chunk.ts is measured too; rounds alternate between trees
 * (in alternating order, after a full GC when --expose-gc is given).
 */
import { resolve } from 'node:path';
import { setImmediate } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { HR_MAPPINGS } from './lib/hr.js';

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: { rounds: { type: 'string', default: '15' }, chunk: { type: 'string', default: '2500' } },
});
const ROUNDS = Number(opts.rounds);
const CHUNK = Number(opts.chunk);
const TREES = [...positionals, '.'];

type ProcessChunk = (
  ctx: unknown,
  repos: unknown,
  run: unknown,
  profile: unknown,
  range: unknown,
  lookup: unknown,
) => Promise<{ processed: number; changed: number }>;

const account = (i: number) => ({
  id: `a${i}`,
  sourceId: 's',
  sourceName: 'HR',
  nativeIdentity: `E${i}`,
  name: `user${i}`,
  created: '2024-01-01T00:00:00Z',
  modified: '2024-01-01T00:00:00Z',
  attributes: {
    id: `E${i}`,
    name: `user${i}`,
    first: `First${i}`,
    last: `Last${i}`,
    mail: `User${i}@Example.com`,
    dept: 'Sales',
    managerId: `E${Math.floor(i / 10) + 1}`,
    hired: '03/14/2019',
    phone: '+1 (415) 555-1234',
    country: 'US',
  },
});
const identities = Array.from({ length: CHUNK }, (_, i) => ({
  id: `i${i}`,
  name: `user${i}`,
  attributes: {},
  managerId: null,
  managerAttributes: null,
  accounts: [account(i)],
}));
const repos = {
  transforms: { all: async () => [] },
  identities: {
    loadChunk: async () => ({ identities, inRange: CHUNK }),
    writeAttributes: async () => {},
    writeFingerprints: async () => {},
  },
};
const profile = { id: 'p', identityAttributeConfig: { enabled: true, attributeTransforms: HR_MAPPINGS } };
const ctx = { now: () => new Date('2025-01-01T00:00:00Z') };
import { readFileSync } from 'node:fs';
/** The main thread's CPU time (from /proc, in 10 ms ticks): only summed over many chunks. */
const mainThreadUs = () => {
  const f = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  return (Number(f[11]) + Number(f[12])) * 10_000;
};
const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

async function main() {
  const trees = await Promise.all(
    TREES.map(async (tree) => {
      const chunk = (await import(pathToFileURL(resolve(tree, 'src/domain/identities/chunk.ts')).href)) as {
        processChunk: ProcessChunk;
        CompiledMappingsCache?: new () => unknown;
      };
      // a tree whose compiled mappings live on the domain context gets a cache of its own
      const processChunk: ProcessChunk = (_c, ...rest) => chunk.processChunk(treeCtx, ...rest);
      const treeCtx = {
        ...(ctx as object),
        ...(chunk.CompiledMappingsCache ? { compiledMappings: new chunk.CompiledMappingsCache() } : {}),
      };
      return { tree, processChunk, usPerIdentity: [] as number[], mainUs: 0 };
    }),
  );
  // warm-up: the JIT settles on each tree's code
  for (const t of trees)
    for (let i = 0; i < 3; i++) await t.processChunk(ctx, repos, { taskId: `warm-${t.tree}` }, profile, {}, undefined);
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let round = 0; round < ROUNDS; round++) {
    // alternate the order: a tree measured right after another does not always pay for its garbage
    for (const t of round % 2 ? [...trees].reverse() : trees) {
      gc?.();
      const main0 = mainThreadUs();
      const start = cpuUs();
      const out = await t.processChunk(ctx, repos, { taskId: `run-${t.tree}` }, profile, {}, undefined);
      // the stubs answer in microtasks: without this turn a chunk that never yields would leave the
      // work V8 does on the event loop's turns (GC and compilation tasks) to the next measurement
      await setImmediate();
      if (out.processed !== CHUNK || out.changed !== CHUNK)
        throw new Error(`unexpected outcome ${JSON.stringify(out)}`);
      t.usPerIdentity.push((cpuUs() - start) / CHUNK);
      t.mainUs += mainThreadUs() - main0;
    }
  }
  for (const t of trees) {
    const sorted = [...t.usPerIdentity].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.floor((sorted.length - 1) * q)].toFixed(2);
    process.stdout.write(
      `${t.tree.padEnd(24)} µs CPU per identity: min ${at(0)}, p10 ${at(0.1)}, median ${at(0.5)} (${ROUNDS} chunks of ${CHUNK}); main thread: ${(t.mainUs / ROUNDS / CHUNK).toFixed(2)} µs per identity over all\n`,
    );
  }
}

await main();
