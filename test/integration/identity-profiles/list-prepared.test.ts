/**
 * The list runs as a named prepared statement per query shape (db/pg-client.ts `preparedShape`):
 * the same filter form and sorters with other values reuse the statement, another form gets its
 * own. On PGlite, whose one session every statement shares, the session's statements can be read.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { newProfile, request, uniq, V3 } from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('pglite');
});
afterAll(async () => {
  await t?.close();
});

const q = (s: string) => encodeURIComponent(s);
const listStatements = async () =>
  (
    await sql<{
      name: string;
    }>`select name from pg_prepared_statements where name like 'identity_profiles_list_%' order by name`.execute(
      t.services.database.db,
    )
  ).rows.map((r) => r.name);

it('runs each shape of the list as one named prepared statement, whatever its values [pglite]', async () => {
  const prefix = uniq('prep');
  await newProfile(t, V3, { name: `${prefix}-a` });
  const before = await listStatements();
  const list = async (query: string) => {
    const res = await request(t, V3, 'GET', `?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().map((p: { name: string }) => p.name);
  };
  expect(await list(`filters=${q(`name sw "${prefix}"`)}&sorters=name&count=true`)).toEqual([`${prefix}-a`]);
  expect(await list(`filters=${q(`name sw "${prefix}-b"`)}&sorters=name&count=true`)).toEqual([]);
  const oneShape = (await listStatements()).filter((n) => !before.includes(n));
  expect(oneShape).toHaveLength(1);
  expect(oneShape[0]).toMatch(/^identity_profiles_list_[0-9a-f]{16}$/);
  expect(await list(`filters=${q(`name eq "${prefix}-a"`)}&sorters=name&count=true`)).toEqual([`${prefix}-a`]);
  expect((await listStatements()).filter((n) => !before.includes(n))).toHaveLength(2);
});
