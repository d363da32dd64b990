import { PGlite } from '@electric-sql/pglite';
import { CamelCasePlugin, Kysely, PostgresDialect, type PostgresPool } from 'kysely';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import v8 from 'node:v8';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database, DatabaseLogger } from './database.js';
import { ThreadLifeline } from './pglite-lifeline.js';
import { withDataFolderLock } from './data-folder-lock.js';
import { PreparingClient } from './pg-client.js';
import { inBackground, LanedSession } from './pglite-session.js';
import { clientOnThread, DatabaseThread, type DatabaseThreadOptions } from './pglite-worker.js';
import type { DB } from './types.js';

/**
 * PostgreSQL settings of the embedded database (command-line `-c`, so they also override the
 * postgresql.conf of data folders made before). shared_buffers: its shared memory lives in the WebAssembly memory
 * and is all written at start, so each MB here is a MB of resident memory for the life of the
 * process: PostgreSQL's 128 MB of shared buffers made 145 MB of shared memory, which also grew the
 * WebAssembly memory from 128 to 189 MB (151 MB resident). 16 MB: 24 MB of shared memory, 29 MB
 * resident. Our data is read through the operating system's file cache either way.
 */
export const PGLITE_SETTINGS: Readonly<Record<string, string>> = {
  shared_buffers: '16MB',
  // ANALYZE samples 300 × this many rows: 9,000 instead of 30,000. A load analyzes its tables, each
  // a statement that holds the one session (0.3 s for 100,000 accounts at the default of 100)
  default_statistics_target: '30',
};

/**
 * A new PGlite data folder is a copy of an empty cluster made at build time (`npm run build`
 * writes it to dist/pglite-template/), not initdb run anew: about 1 s instead of 4 s, and without
 * the memory initdb leaves behind. A data folder gets the cluster's files copied by the operating
 * system (`<version>/`); PGlite's own `loadDataDir` (untarring in WebAssembly) left ~90 MB more
 * resident in the server for good. `memory://` loads the same cluster from `<version>.tar.gz`.
 * Without the template (sources run by tsx/vitest, or a PGlite version it was not made by) PGlite
 * runs initdb as before.
 */
export interface PGliteTemplate {
  /** The cluster's folder, copied into a new data folder. */
  dir: string;
  /** The same cluster as PGlite's gzipped tar, loaded into `memory://`. */
  tarball: string;
  /**
   * Every folder of the cluster, empty ones included (JSON). PostgreSQL needs its empty folders
   * (pg_tblspc, pg_notify, pg_wal/archive_status, …) and `npm pack` ships no empty folder: from a
   * packed package, a data folder copied without them failed to start ("PGlite failed to initialize").
   */
  folders: string;
}

function templatePaths(): PGliteTemplate {
  const pgliteDir = dirname(dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite')));
  const { version } = JSON.parse(readFileSync(join(pgliteDir, 'package.json'), 'utf8')) as { version: string };
  const dir = fileURLToPath(new URL(`../pglite-template/${version}`, import.meta.url));
  return { dir, tarball: `${dir}.tar.gz`, folders: `${dir}.folders.json` };
}

/** Writes the empty-cluster template (by default next to the built code, see `templatePaths`). */
export async function writePGliteTemplate(
  { dir, tarball, folders }: PGliteTemplate = templatePaths(),
): Promise<PGliteTemplate> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const pglite = await PGlite.create(dir);
  const dump = await pglite.dumpDataDir('gzip');
  await pglite.close();
  rmSync(join(dir, 'postmaster.pid'), { force: true });
  writeFileSync(tarball, Buffer.from(await dump.arrayBuffer()));
  writeFileSync(folders, JSON.stringify(foldersOf(dir)));
  return { dir, tarball, folders };
}

/** The folders under `dir`, as paths relative to it (`pg_wal/archive_status`, …). */
function foldersOf(dir: string, under = ''): string[] {
  return readdirSync(join(dir, under), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => [join(under, entry.name), ...foldersOf(dir, join(under, entry.name))]);
}

/** Starts `dataDir` from the template when it holds no cluster yet (see `templatePaths`); `memory://`: the tarball to load. */
function fromTemplate(
  dataDir: string,
  { dir, tarball, folders }: PGliteTemplate,
): Pick<DatabaseThreadOptions, 'tarball'> {
  if (dataDir.startsWith('memory://')) return existsSync(tarball) ? { tarball } : {};
  if (existsSync(join(dataDir, 'PG_VERSION')) || !existsSync(dir)) return {};
  // PG_VERSION last: a copy cut short is copied again at the next start instead of opened
  cpSync(dir, dataDir, { recursive: true, filter: (source) => source !== join(dir, 'PG_VERSION') });
  if (existsSync(folders)) {
    for (const folder of JSON.parse(readFileSync(folders, 'utf8')) as string[])
      mkdirSync(join(dataDir, folder), { recursive: true });
  }
  copyFileSync(join(dir, 'PG_VERSION'), join(dataDir, 'PG_VERSION'));
  return {};
}

/**
 * The embedded server's memory: PGlite's WebAssembly memory (~150 MB, see PGLITE_SETTINGS) never
 * shrinks, so the rest must stay small. V8 lets the JavaScript heap grow well past what is live
 * before it collects: while 100,000 identities were loaded and processed the server's heap reached
 * 160–175 MB with ~40 MB live (bench/pglite-responsiveness), RSS 430–450 MB. Growing the heap by
 * at most 25 % past what the last collection kept: peak RSS ~370 MB, for more frequent (and
 * shorter) collections. Process-wide, so only where this process runs the embedded database.
 */
function keepHeapCompact(): void {
  v8.setFlagsFromString('--heap-growing-percent=25');
}

/** Opens (or creates) the embedded database in `dataDir` (one process at a time: data-folder-lock.ts) or `memory://`; `template`: tests. */
export const openPGlite = (dataDir: string, template: PGliteTemplate = templatePaths(), logger?: DatabaseLogger) =>
  withDataFolderLock(dataDir, () => openUnlocked(dataDir, template, logger));

async function openUnlocked(dataDir: string, template: PGliteTemplate, logger?: DatabaseLogger): Promise<Database> {
  keepHeapCompact();
  const settings = Object.entries(PGLITE_SETTINGS).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
  // the database runs in a thread of its own (pglite-worker.ts), so its statements never hold the server's event loop
  const start = () =>
    DatabaseThread.start({
      dataDir,
      ...fromTemplate(dataDir, template),
      startParams: [...PGlite.defaultStartParams, ...settings],
    });
  const thread = await start();
  // pg's own Client speaking the wire protocol to that thread: the statements `prepared` names are
  // parsed and planned once, as on PostgreSQL (PGlite's query() parses, plans and enters the
  // WebAssembly six times for every statement). Its one session is handed out in two lanes,
  // requests before job work (pglite-session.ts); Kysely's pool type also names cursors, which we never stream.
  const session = new LanedSession(clientOnThread(PreparingClient, thread));
  // a thread that dies is started again on the same data folder (pglite-lifeline.ts)
  const lifeline = new ThreadLifeline(thread, {
    start,
    restart: !dataDir.startsWith('memory://'),
    logger,
    onThread: (next) => session.replaceClient(clientOnThread(PreparingClient, next)),
  });
  const db = new Kysely<DB>({
    dialect: new PostgresDialect({ pool: session as unknown as PostgresPool }),
    plugins: [new CamelCasePlugin({ maintainNestedObjectKeys: true })],
  });
  return {
    db,
    kind: 'pglite',
    sqlExecutor: { executeSql: (text, values) => session.query(text, values) },
    inBackground,
    usage: () => session.usage(),
    embedded: lifeline,
    bulkRequest: inBackground,
    // /health: a dead thread is DOWN; while job work holds the session, say so at once rather
    // than wait for its transaction (it is working, not gone); otherwise a statement of its own
    probe: async () => {
      const { broken, busySince } = lifeline.state;
      if (broken) throw Object.assign(new Error(broken), { code: 'EMBEDDED_DATABASE_FAILED' });
      if (session.heldByBackground) return { busyForMs: busySince === undefined ? 0 : performance.now() - busySince };
      await session.query('select 1');
    },
    close: async () => {
      await db.destroy();
      await lifeline.close();
    },
  };
}
