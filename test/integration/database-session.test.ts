import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../src/db/database.js';
import { dropSchemas, POSTGRES_URL, postgresReachable, uniqueSchema } from '../helpers/databases.js';

const reachable = await postgresReachable();

/** Every PostgreSQL connection of the pool: JIT and parallel query off, the URL's own options kept, the schema set. */
describe.skipIf(!reachable)('PostgreSQL session settings', () => {
  const schema = uniqueSchema('session');
  let database: Database | undefined;
  afterAll(async () => {
    await database?.close();
    await dropSchemas(schema);
  });

  it('turn JIT and parallel query off and keep the options given in the URL', async () => {
    const url = new URL(POSTGRES_URL);
    url.searchParams.set('options', '-c statement_timeout=4321');
    database = await createDatabase({ databaseUrl: url.toString(), schema, poolSize: 2 });
    const show = async (name: string) =>
      (await sql.raw<{ value: string }>(`select current_setting('${name}') as value`).execute(database!.db)).rows[0]
        .value;
    expect(await show('jit')).toBe('off');
    expect(await show('max_parallel_workers_per_gather')).toBe('0');
    expect(await show('statement_timeout')).toBe('4321ms');
    expect(await show('search_path')).toBe(schema);
  });
});
