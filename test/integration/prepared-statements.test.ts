/**
 * The pg client both databases use (db/pg-client.ts): texts marked by `prepared` run as named
 * statements, each session keeps at most MAX_PREPARED_PER_SESSION of them (the least recently run
 * deallocated first), and int8 arrives as a number on our clients only — nothing global changes.
 */
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_PREPARED_PER_SESSION, prepared, preparedShape, PreparingClient } from '../../src/db/pg-client.js';
import { POSTGRES_URL, postgresReachable } from '../helpers/databases.js';

const PG_UP = await postgresReachable();

describe.skipIf(!PG_UP)('prepared statements, per session [postgres]', () => {
  let client: PreparingClient;
  beforeEach(async () => {
    client = new PreparingClient({ connectionString: POSTGRES_URL });
    await client.connect();
  });
  afterEach(async () => {
    await client.end();
  });
  const names = async () =>
    (
      (await client.query('select name from pg_prepared_statements order by name')) as unknown as pg.QueryResult<{
        name: string;
      }>
    ).rows.map((r) => r.name);
  const statement = (i: number) => prepared(`bounded_${i}`, `select ${i}::int + $1::int as n`);

  it('runs a marked text as its named statement, and any other text unnamed', async () => {
    const text = prepared('add_one', 'select $1::int + 1 as n');
    expect((await client.query(text, [41])).rows).toEqual([{ n: 42 }]);
    expect((await client.query('select $1::int + 2 as n', [40])).rows).toEqual([{ n: 42 }]);
    expect(await names()).toEqual(['add_one']);
    const shape = preparedShape('list', 'select $1::text as t');
    expect(shape).toBe(preparedShape('list', 'select $1::text as t'));
    expect(shape).not.toBe(preparedShape('list', 'select $1::text as u'));
  });

  it(`keeps at most ${MAX_PREPARED_PER_SESSION} a session, deallocating the least recently run`, async () => {
    for (let i = 0; i < MAX_PREPARED_PER_SESSION; i++) await client.query(statement(i), [1]);
    await client.query(statement(0), [1]); // run again: now the most recent
    await client.query(statement(MAX_PREPARED_PER_SESSION), [1]);
    const held = await names();
    expect(held).toHaveLength(MAX_PREPARED_PER_SESSION);
    expect(held).toContain('bounded_0');
    expect(held).not.toContain('bounded_1');
    expect(held).toContain(`bounded_${MAX_PREPARED_PER_SESSION}`);
    // a statement deallocated is prepared again when it comes back
    expect((await client.query(statement(1), [1])).rows).toEqual([{ n: 2 }]);
    expect(await names()).toContain('bounded_1');
  });

  it("reads int8 as a number on our clients, and leaves pg's own parsers alone", async () => {
    expect((await client.query('select count(*) as n from generate_series(1, 3)')).rows).toEqual([{ n: 3 }]);
    const plain = new pg.Client({ connectionString: POSTGRES_URL });
    await plain.connect();
    try {
      expect((await plain.query('select count(*) as n from generate_series(1, 3)')).rows).toEqual([{ n: '3' }]);
    } finally {
      await plain.end();
    }
  });
});
