import { type Kysely, Migrator, sql, type DatabaseIntrospector } from 'kysely';
import { failureKind } from './errors.js';
import { migrationProvider } from './migrations/index.js';
import { openPGlite } from './pglite.js';
import { openPostgres } from './postgres.js';
import type { DB } from './types.js';
import type { ThreadLifeline } from './pglite-lifeline.js';

/** Runs raw SQL with positional parameters on the same connections Kysely uses (pg-boss's `db` option). */
export interface SqlExecutor {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: any[] }>;
}

export interface Database {
  db: Kysely<DB>;
  kind: 'pglite' | 'postgres';
  /** The PostgreSQL schema in use when not the default (tests). */
  schema?: string;
  sqlExecutor: SqlExecutor;
  /** Embedded on a data folder: answer other processes' requests through its lock (data-folder-lock.ts). */
  dataFolder?: { serve(handler: (request: unknown) => Promise<unknown>): void };
  /**
   * Runs job work: on PGlite its statements give way to requests' (pglite-session.ts); on
   * PostgreSQL, with a pool of connections, it just runs.
   */
  inBackground<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Runs a request's work as bulk work (lists, exports, uploads: their cost grows with the data),
   * so that a GET by id never waits behind it: on PostgreSQL on the pool's shared connections only,
   * giving up with a 503 when none comes free (lanes.ts); on PGlite in the background lane.
   */
  bulkRequest<T>(fn: () => T): T;
  /**
   * Answers whether the database can be reached now: resolves, or throws saying why, in bounded
   * time (PostgreSQL: a connection of its own, see postgres.ts; PGlite: its thread, pglite.ts),
   * possibly with a note that it is busy. Absent: `select 1` through the pool. Use `probeDatabase`.
   */
  probe?(): Promise<ProbeNote | void>;
  /** This process's connections now (PGlite: its one session), for /metrics. */
  usage(): DatabaseUsage;
  /**
   * PGlite: the thread the embedded database runs in, started again when it dies
   * (pglite-lifeline.ts); `thread.kill()` ends it as a crash would (the fault tests do).
   */
  embedded?: Pick<ThreadLifeline, 'thread' | 'restarts' | 'state'>;
  close(): Promise<void>;
}

/** Connections: at most `max`; `busy` handed out, `idle` open and free; `waiting`: statements in line for one. */
export interface DatabaseUsage {
  max: number;
  busy: number;
  idle: number;
  waiting: number;
}

/**
 * The embedded database answers, but its one session is held by job work (a transaction of a load
 * or a processing run): a request waits for it to end. `busyForMs`: how long the statement running
 * now has run (0 between statements), which tells busy (short) from stuck (long) on /health.
 */
export interface ProbeNote {
  busyForMs: number;
}

/** Where the database's connections report what happens to them (a pino logger). */
export interface DatabaseLogger {
  warn(obj: object, msg: string): void;
  info(msg: string): void;
}

export interface DatabaseOptions {
  /** PostgreSQL URL; when absent, embedded PGlite. */
  databaseUrl?: string;
  /** PGlite data directory, or `memory://` for an in-memory database. */
  dataDir?: string;
  /** PostgreSQL schema to use (tests: one per test file); created if missing. */
  schema?: string;
  poolSize?: number;
  /** PostgreSQL: connections of the pool that lists and jobs never take (db/lanes.ts). */
  reservedConnections?: number;
  /** PostgreSQL: how long connecting, or waiting in line for a pooled connection, may take. */
  connectTimeoutMs?: number;
  /** Connections lost, the database gone and back (PostgreSQL); the embedded database's thread started again (PGlite). */
  logger?: DatabaseLogger;
}

export { prepared, preparedShape } from './pg-client.js';

/** Opens the database (PGlite or PostgreSQL); call `migrateToLatest` before use. */
export async function createDatabase(options: DatabaseOptions): Promise<Database> {
  return options.databaseUrl
    ? openPostgres(options.databaseUrl, options)
    : openPGlite(options.dataDir ?? 'memory://', undefined, options.logger);
}

/** Applies every pending migration; throws with the failing migration's name. */
export async function migrateToLatest({ db, schema }: Pick<Database, 'db' | 'schema'>): Promise<string[]> {
  // With a schema, the migration bookkeeping lives there too (Kysely otherwise finds another schema's tables).
  const migrator = new Migrator({
    db: withMigrationIntrospection(db),
    provider: migrationProvider,
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error)
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${String((error as Error).message ?? error)}`);
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * `db` for Kysely's Migrator, which asks whether its two tables exist by introspecting every table
 * of every schema with all their columns (`getTables`). That took ~0.7 s at each PGlite start,
 * and on a shared PostgreSQL it failed when another process dropped a schema meanwhile ("schema
 * … does not exist", from `pg_get_serial_sequence` on the vanished one: two test files in parallel).
 * Here it gets just the migration tables, by name.
 */
function withMigrationIntrospection(db: Kysely<DB>): Kysely<DB> {
  const introspection: Pick<DatabaseIntrospector, 'getSchemas' | 'getTables'> = {
    async getSchemas() {
      const { rows } = await sql<{ name: string }>`select nspname as name from pg_namespace`.execute(db);
      return rows;
    },
    async getTables() {
      const { rows } = await sql<{ name: string; schema: string }>`
        select c.relname as name, n.nspname as schema from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relname in ('kysely_migration', 'kysely_migration_lock') and c.relkind in ('r', 'p')`.execute(db);
      return rows.map((t) => ({ ...t, isView: false, columns: [] }));
    },
  };
  return new Proxy(db, {
    get(target, property) {
      if (property === 'introspection') return introspection;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Liveness probe used by /health. */
export async function ping(db: Kysely<DB>): Promise<void> {
  await sql`select 1`.execute(db);
}

/** Can the database be reached now? Resolves, or throws saying why (see `Database.probe`). */
export function probeDatabase(database: Pick<Database, 'db' | 'probe'>): Promise<ProbeNote | void> {
  return database.probe ? database.probe() : ping(database.db);
}

/**
 * `probeDatabase` for `/health`, a public route: rejects with an Error that says only what kind of
 * failure it was (`failureKind`), never the driver's message.
 */
export function probeForHealth(database: Pick<Database, 'db' | 'probe'>): Promise<ProbeNote | void> {
  return probeDatabase(database).catch((e: unknown) => {
    throw new Error(failureKind(e));
  });
}

/**
 * Resolves once the database answers a probe (at once when it does), polling with a growing pause
 * (250 ms up to 2 s) meanwhile; rejects when `signal` aborts. For work that failed only because
 * the database was away and should run again when it is back.
 */
export async function whenDatabaseAvailable(
  database: Pick<Database, 'db' | 'probe'>,
  signal?: AbortSignal,
): Promise<void> {
  for (let pause = 250; ; pause = Math.min(2_000, pause * 2)) {
    signal?.throwIfAborted();
    try {
      return void (await probeDatabase(database));
    } catch {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, pause);
        function done() {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          resolve();
        }
        signal?.addEventListener('abort', done, { once: true });
      });
    }
  }
}
