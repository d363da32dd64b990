import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chunkQuery } from '../../../src/db/repositories/chunk-sql.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { accountAttr, sourceWithProfile } from '../../helpers/identities.js';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}
const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

/**
 * A chunk read must cost the same per identity whatever the size of the tables and whether or not
 * they were ever analyzed: every table is reached by an index lookup per identity, never scanned
 * whole and hashed. The case that went wrong: a first run, where `identity_state` fills up while the
 * run reads it and has no statistics yet; a left join on it was hash-joined with a sequential scan
 * of the table, once per chunk. PostgreSQL only (the planner's choice is what is tested).
 */
describe('the chunk read on postgres', () => {
  let t: TestApp;
  let profileId: string;
  let sourceId: string;
  beforeAll(async () => {
    t = await startTestApp('postgres');
    const h = await t.admin();
    ({ sourceId, profileId } = await sourceWithProfile(
      t,
      h,
      {
        name: 'P',
        managerCorrelationMapping: { accountAttributeName: 'managerId', identityAttributeName: 'employeeNumber' },
      },
      { name: 'PP', mappings: { employeeNumber: accountAttr('P', 'id') } },
    ));
    // 20,000 identities with an account each and a processed state, as a first run leaves them
    // half-way (written with SQL: the load and the run are not what is tested, and are slow)
    const sql = t.services.database.sqlExecutor;
    await sql.executeSql(
      `
      insert into identities (id, name, profile_id) select lpad(to_hex(g), 32, '0'), 'u' || g, $1 from generate_series(1, 20000) g`,
      [profileId],
    );
    await sql.executeSql(
      `
      insert into accounts (id, source_id, native_identity, name, attributes, identity_id)
      select 'f' || lpad(to_hex(g), 31, '0'), $1, 'E' || g, 'u' || g, jsonb_build_object('managerId', 'E' || (g / 10 + 1)), lpad(to_hex(g), 32, '0')
      from generate_series(1, 20000) g`,
      [sourceId],
    );
    await sql.executeSql(
      `
      insert into identity_state (identity_id, attributes, input_fingerprint)
      select lpad(to_hex(g), 32, '0'), jsonb_build_object('employeeNumber', 'E' || g), 'old' from generate_series(1, 20000) g`,
      [],
    );
    // a load analyzes accounts and identities (refreshStatistics); the state, filled by the run, is not
    await sql.executeSql('analyze identities, accounts', []);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it.each([
    ['with the manager lookup', true],
    ['without it', false],
  ])('looks up each identity by index, %s', async (_, withLookup) => {
    const [firstId, lastId] = [1, 2500].map((g) => g.toString(16).padStart(32, '0'));
    const query = chunkQuery(
      'default',
      { profileId, firstId, lastId },
      {
        runKey: 'new',
        managerLookup: withLookup ? { sourceId, accountAttributeName: 'managerId' } : undefined,
      },
    ).compile(t.services.database.db);
    const explained = await t.services.database.sqlExecutor.executeSql(`explain (format json) ${query.sql}`, [
      ...query.parameters,
    ]);
    const plan = nodes((explained.rows[0] as { 'QUERY PLAN': Array<{ Plan: PlanNode }> })['QUERY PLAN'][0].Plan);
    const scanned = plan.filter((n) => n['Relation Name']).map((n) => `${n['Node Type']} on ${n['Relation Name']}`);
    expect(scanned).toContain('Index Scan on identity_state');
    expect(scanned.filter((s) => !/^(Index|Index Only|Bitmap Heap) Scan on /.test(s))).toEqual([]);
    expect(plan.map((n) => n['Node Type'])).not.toContain('Hash');
    // and it reads what it should: the stale identities of the chunk, with their accounts
    const read = await t.services.database.sqlExecutor.executeSql(query.sql, [...query.parameters]);
    expect(read.rows).toHaveLength(2500);
  });
});
