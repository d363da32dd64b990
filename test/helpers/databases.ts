import pg from 'pg';

/** Where PostgreSQL tests connect; `.ci/run` makes sure it is up. */
export const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let reachable: Promise<boolean> | undefined;
/** Is PostgreSQL reachable? In CI it must be (a failure then is a failure, not a skip). */
export function postgresReachable(): Promise<boolean> {
  reachable ??= (async () => {
    const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.end();
      return true;
    } catch {
      if (process.env.CI) throw new Error(`PostgreSQL is not reachable at ${POSTGRES_URL} (CI must start it)`);
      return false;
    }
  })();
  return reachable;
}

export type DbKind = 'pglite' | 'postgres';
/** The databases every integration test runs on. */
export const DATABASES: DbKind[] = ['pglite', 'postgres'];

export const uniqueSchema = (prefix = 't') =>
  `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;

/** Drops a test schema and its job-queue schema. */
export async function dropSchemas(...schemas: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    for (const s of schemas) await client.query(`drop schema if exists ${s} cascade`);
  } finally {
    await client.end();
  }
}
