/**
 * bench/load: what the decisions before a load's apply cost, and what they save. On a fresh
 * database (PostgreSQL, or PGlite in a temporary folder) with a source and a one-mapping profile:
 *   1. load N accounts (first load; the processing run it starts is awaited, not timed here),
 *   2. reload the same file (nothing changed: no processing run since 'no run when nothing changed'),
 *   3. dry-run a changed file (1 % updated, 2 % removed, 1 % added) — builds that have dry runs,
 *   4. load that changed file.
 * Times are the load tasks' own (launched → completed), plus the wall time until the runs a load
 * started are done. Compare builds in one sitting, A B B A (`--server=OTHER/dist/cli/index.js`).
 *
 *   npm run build && npx tsx bench/load.ts [N=100000] [--pglite] [--server=OTHER/dist/cli/index.js]
 */
import { createWriteStream, mkdtempSync, openAsBlob, rmSync } from 'node:fs';
import { once } from 'node:events';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshDatabase, startServer, tokenFor } from './lib/server.js';

const args = process.argv.slice(2);
const N = Number(args.find((a) => !a.startsWith('--')) ?? 100_000);
const PGLITE = args.includes('--pglite');
const SERVER_SCRIPT = args.find((a) => a.startsWith('--server='))?.slice('--server='.length);
const CLIENT = { id: 'benchclient', secret: 'bench-secret-123' };

/** Rows 1..N; `changed`: every 100th updated, every 50th (offset 1) left out, N/100 new rows after N. */
async function writeCsv(path: string, changed: boolean) {
  const out = createWriteStream(path);
  out.write('id,name,mail,dept\n');
  const last = changed ? N + N / 100 : N;
  for (let i = 1; i <= last; i++) {
    if (changed && i % 50 === 1 && i <= N) continue;
    const dept = changed && i % 100 === 0 ? 'Moved' : `D${i % 7}`;
    if (!out.write(`E${i},user${i},user${i}@example.com,${dept}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function api(url: string, h: Record<string, string>, method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: body === undefined ? h : { ...h, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

async function waitTask(url: string, h: Record<string, string>, id: string) {
  for (;;) {
    const task = await api(url, h, 'GET', `/v3/task-status/${id}`);
    if (task.completed) return task;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const seconds = (task: { launched: string; completed: string }) =>
  (Date.parse(task.completed) - Date.parse(task.launched)) / 1000;

async function main() {
  const db = PGLITE ? undefined : await freshDatabase('bench_load');
  const work = mkdtempSync(join(tmpdir(), 'bench-load-'));
  const env: Record<string, string> = db ? { DATABASE_URL: db.url } : { IDPROFILES_DATA_DIR: join(work, 'data') };
  const server = await startServer(
    { ...env, IDPROFILES_CLIENT_ID: CLIENT.id, IDPROFILES_CLIENT_SECRET: CLIENT.secret, IDPROFILES_TOKEN_TTL: '86400' },
    'serve',
    { script: SERVER_SCRIPT },
  );
  try {
    const h = await tokenFor(server.url, CLIENT.id, CLIENT.secret);
    const same = join(work, 'same.csv');
    const changed = join(work, 'changed.csv');
    await writeCsv(same, false);
    await writeCsv(changed, true);
    const source = await api(server.url, h, 'POST', '/v3/sources', { name: 'HR' });
    const uid = { type: 'accountAttribute', attributes: { attributeName: 'name', sourceName: 'HR' } };
    await api(server.url, h, 'POST', '/v3/identity-profiles', {
      name: 'Staff',
      authoritativeSource: { id: source.id },
      identityAttributeConfig: {
        enabled: true,
        attributeTransforms: [{ identityAttributeName: 'uid', transformDefinition: uid }],
      },
    });

    const load = async (file: string, query: string) => {
      const started = performance.now();
      const form = new FormData();
      form.append('file', await openAsBlob(file), 'hr.csv');
      const res = await fetch(`${server.url}/v3/sources/${source.id}/load-accounts${query}`, {
        method: 'POST',
        headers: h,
        body: form,
      });
      const task = await waitTask(server.url, h, ((await res.json()) as { task: { id: string } }).task.id);
      for (const id of task.result?.processingTaskIds ?? []) await waitTask(server.url, h, id);
      return { task, wall: (performance.now() - started) / 1000 };
    };
    const line = (label: string, r: { task: any; wall: number }) =>
      `${label.padEnd(22)} task ${seconds(r.task).toFixed(2).padStart(6)} s, until processed ${r.wall.toFixed(2).padStart(6)} s, ${r.task.completionStatus}, runs ${(r.task.result?.processingTaskIds ?? []).length}, ` +
      JSON.stringify(
        Object.fromEntries(
          ['added', 'updated', 'unchanged', 'removed', 'identitiesCreated', 'identitiesRemoved'].map((k) => [
            k,
            r.task.result?.[k],
          ]),
        ),
      );

    const out = [
      `N=${N} on ${PGLITE ? 'PGlite' : 'PostgreSQL'}, server ${SERVER_SCRIPT ?? 'dist/cli/index.js'}, load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    ];
    out.push(line('first load', await load(same, '')));
    out.push(line('unchanged reload', await load(same, '')));
    // a build without dry runs would apply the file instead; such builds have no deleteThreshold either
    if ('deleteThreshold' in source) out.push(line('dry run (changed)', await load(changed, '?dryRun=true')));
    else out.push('dry run (changed)      (this build has none)');
    out.push(line('changed load', await load(changed, '')));
    out.push(
      `peak server RSS ${server.peakRssMb().toFixed(0)} MB; load average after ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    await server.stop();
    await db?.drop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
