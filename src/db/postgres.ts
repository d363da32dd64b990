import { CamelCasePlugin, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database, DatabaseLogger, DatabaseOptions } from './database.js';
import { describeFailure } from './errors.js';
import { asBulk, withLanes } from './lanes.js';
import { PreparingClient } from './pg-client.js';
import type { DB } from './types.js';

/**
 * PostgreSQL through pg's Pool, built to outlive the server: a restart, a failover or
 * `pg_terminate_backend` ends connections, which pg reports as an `error` event on the client
 * (and on the pool, for an idle one). An `error` event nobody listens to ends the process, so
 * every client and the pool listen: a lost connection is logged and dropped, the statement that
 * was on it fails (→ 503 for a request, an in-place re-run for a job), and the next one connects
 * anew. Connecting, and waiting in line for a connection, are bounded (`connectTimeoutMs`), so a
 * database that is away answers with an error in bounded time, never a hang.
 */

/** Defaults of the settings in config.ts (IDPROFILES_DB_*), for callers that give none (tests, CLI commands). */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
export const DEFAULT_POOL_SIZE = 10;
export const DEFAULT_RESERVED_CONNECTIONS = 2;

export async function openPostgres(databaseUrl: string, options: DatabaseOptions): Promise<Database> {
  const schema = options.schema;
  if (schema) await createSchema(databaseUrl, schema);
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  // TCP keepalive after 10 s idle (the OS's default is 2 hours): a connection to a host that
  // vanished (a failover without a reset) is noticed by the operating system, not never
  const connection = {
    ...withSessionOptions(databaseUrl, schema),
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    connectionTimeoutMillis: connectTimeoutMs,
  };
  const size = options.poolSize ?? DEFAULT_POOL_SIZE;
  const pool = new pg.Pool({ ...connection, Client: clientLogging(options.logger), max: size });
  pool.on('error', () => {
    /* an idle client lost its connection: ServerClient logged it, the pool dropped it */
  });
  const probe = databaseProbe(connection, options.logger);
  const lanes = withLanes(pool, {
    size,
    reserved: Math.min(size - 1, options.reservedConnections ?? DEFAULT_RESERVED_CONNECTIONS),
    waitMs: connectTimeoutMs,
  });
  const db = new Kysely<DB>({
    dialect: new PostgresDialect({ pool: lanes }),
    plugins: [new CamelCasePlugin({ maintainNestedObjectKeys: true })],
  });
  return {
    db,
    kind: 'postgres',
    schema,
    sqlExecutor: { executeSql: (text, values) => pool.query(text, values as any[]) },
    probe: probe.check,
    // job work is bulk work: it never takes the connections kept for requests (lanes.ts)
    inBackground: (fn) => asBulk(fn, { patient: true }),
    usage: () => ({
      max: size,
      busy: pool.totalCount - pool.idleCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount + lanes.waiting(),
    }),
    bulkRequest: (fn) => asBulk(fn),
    close: async () => {
      await probe.close();
      await db.destroy();
    },
  };
}

/** pg's client (named prepared statements, as on PGlite) that never leaves a connection error unheard. */
function clientLogging(logger: DatabaseLogger | undefined): typeof PreparingClient {
  return class ServerClient extends PreparingClient {
    constructor(config?: string | pg.ClientConfig) {
      super(config);
      // While the pool holds a client idle it listens too (and drops the client). Checked out, the
      // error also fails the statement in progress and pg marks the client unusable, so the pool
      // drops it when it is released.
      this.on('error', (err) => logger?.warn({ cause: describeFailure(err) }, 'database connection lost'));
    }
  };
}

async function createSchema(databaseUrl: string, schema: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`Bad schema name '${schema}'`);
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`create schema if not exists ${schema}`);
  await admin.end();
}

/**
 * Is the database there? One connection of its own, kept open between checks, so the answer does
 * not depend on the pool (busy with long statements, the pool says nothing about the database)
 * and a check costs one `select 1`, not a new session. Checks at the same time share one answer.
 * Logs when the database goes away and when it is back, once each.
 */
function databaseProbe(connection: pg.ClientConfig, logger: DatabaseLogger | undefined) {
  let client: pg.Client | undefined;
  let inFlight: Promise<void> | undefined;
  let down = false;
  let closed = false;
  const drop = (c: pg.Client) => {
    if (client === c) client = undefined;
    c.end().catch(() => {
      /* already gone */
    });
  };
  const run = async () => {
    let c = client;
    try {
      if (!c) {
        c = new pg.Client({ ...connection, query_timeout: connection.connectionTimeoutMillis });
        const fresh = c;
        fresh.on('error', () => drop(fresh));
        client = fresh;
        await fresh.connect();
      }
      await c.query('select 1');
      if (down) logger?.info('database reachable again');
      down = false;
    } catch (e) {
      if (c) drop(c);
      if (!down) logger?.warn({ cause: describeFailure(e) }, 'database unreachable');
      down = true;
      throw e;
    }
  };
  return {
    check(): Promise<void> {
      if (closed) return Promise.reject(new Error('the database was closed'));
      inFlight ??= run().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
    async close() {
      closed = true;
      await inFlight?.catch(() => undefined);
      if (client) await client.end().catch(() => undefined);
      client = undefined;
    },
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
function withSessionOptions(
  databaseUrl: string,
  schema: string | undefined,
): { connectionString: string; options: string } {
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
