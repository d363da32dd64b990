import { CamelCasePlugin, Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { migrationProvider } from './migrations/index.js';
import { openPGlite } from './pglite.js';
import { PreparingClient } from './pg-client.js';
import type { DB } from './types.js';

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
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL URL; when absent, embedded PGlite. */
  databaseUrl?: string;
  /** PGlite data directory, or `memory://` for an in-memory database. */
  dataDir?: string;
  /** PostgreSQL schema to use (tests: one per test file); created if missing. */
  schema?: string;
  poolSize?: number;
}

export { prepared } from './pg-client.js';

/** Opens the database (PGlite or PostgreSQL); call `migrateToLatest` before use. */
export async function createDatabase(options: DatabaseOptions): Promise<Database> {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options) : openPGlite(options.dataDir ?? 'memory://');
}

async function openPostgres(databaseUrl: string, options: DatabaseOptions): Promise<Database> {
  const schema = options.schema;
  if (schema) {
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`Bad schema name '${schema}'`);
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query(`create schema if not exists ${schema}`);
    await admin.end();
  }
  const pool = new pg.Pool({
    Client: PreparingClient,
    ...withSessionOptions(databaseUrl, schema),
    max: options.poolSize ?? 10,
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin({ maintainNestedObjectKeys: true })] });
  return {
    db,
    kind: 'postgres',
    schema,
    sqlExecutor: { executeSql: (text, values) => pool.query(text, values as any[]) },
    inBackground: (fn) => fn(),
    close: () => db.destroy(),
  };
}

/**
 * Settings for every connection, after any `options` the URL gives. Both are planner choices made
 * by cost estimate that cost the chunk read of process-identities more than they saved:
 * - JIT compilation: ~12 ms per read of 2,500 identities (~20 µs per identity, about half the
 *   read's CPU); our statements are short, and JIT never paid back here.
 * - Parallel query: a worker process started per read (~9 ms before the first row), while the
 *   per-identity subqueries ran in the leader anyway. Data-modifying statements never run in
 *   parallel, and several chunks already run at once.
 */
function withSessionOptions(databaseUrl: string, schema: string | undefined): { connectionString: string; options: string } {
  const ours = ['-c jit=off -c max_parallel_workers_per_gather=0', schema ? `-c search_path=${schema}` : ''];
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    return { connectionString: databaseUrl, options: ours.filter(Boolean).join(' ') };
  }
  // pg lets the URL's `options` replace the config's, so they are merged here and taken out of the URL
  const fromUrl = url.searchParams.get('options') ?? '';
  url.searchParams.delete('options');
  return { connectionString: url.toString(), options: [fromUrl, ...ours].filter(Boolean).join(' ') };
}

/** Applies every pending migration; throws with the failing migration's name. */
export async function migrateToLatest({ db, schema }: Pick<Database, 'db' | 'schema'>): Promise<string[]> {
  // With a schema, the migration bookkeeping lives there too (Kysely otherwise finds another schema's tables).
  const migrator = new Migrator({ db, provider: migrationProvider, ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${String((error as Error).message ?? error)}`);
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Liveness probe used by /health. */
export async function ping(db: Kysely<DB>): Promise<void> {
  await sql`select 1`.execute(db);
}
