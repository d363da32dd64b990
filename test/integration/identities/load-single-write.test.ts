/**
 * A load writes each new account once (issue 17): placed as it is inserted — its identity formed
 * beside it on an authoritative source, or joined by `uid` — never inserted bare and updated after.
 * Measured on the heap itself (pageinspect, PostgreSQL; autovacuum cannot hide a dead version):
 * after the loads below, no row version of `accounts` is dead or superseded. (Not `identities`:
 * the processing run a load starts rewrites them, as it should.)
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { POSTGRES_URL, postgresReachable } from '../../helpers/databases.js';
import { accountAttr, loadAndProcess, sourceWithProfile } from '../../helpers/identities.js';
import { loadClient } from '../../helpers/loads.js';

const PG_UP = await postgresReachable();

describe.skipIf(!PG_UP)('a load writes each new account once [postgres]', () => {
  let t: TestApp;
  let inspector: pg.Client;
  beforeAll(async () => {
    t = await startTestApp('postgres');
    inspector = new pg.Client({ connectionString: POSTGRES_URL });
    await inspector.connect();
    // pageinspect reads the heap's pages as they are; created once in the shared test database
    await inspector.query('create extension if not exists pageinspect').catch(async (e) => {
      // another process created it at the same moment
      if (!/already exists|duplicate key/.test(String(e.message))) throw e;
    });
  });
  afterAll(async () => {
    await inspector?.end();
    await t?.close();
  });

  /** Row versions in `table`'s heap that are not live originals: dead line pointers, or tuples deleted or updated. */
  async function supersededVersions(table: string): Promise<{ live: number; superseded: number }> {
    const relation = `${t.services.database.schema}.${table}`;
    const { rows } = await inspector.query(
      `
      select count(*) filter (where lp_flags = 1 and t_xmax::text = '0')::int as live,
             count(*) filter (where lp_flags <> 1 or t_xmax::text <> '0')::int as superseded
      from generate_series(0, (pg_relation_size($1::regclass) / current_setting('block_size')::int)::int - 1) as page,
           public.heap_page_items(public.get_raw_page($1::text, page)) as item
      where item.lp_flags <> 0`,
      [relation],
    );
    return rows[0];
  }

  it('on an authoritative source: each account one version, its identity formed beside it', async () => {
    const h = await t.admin();
    const hrName = `hr-${Date.now()}`;
    const { sourceId } = await sourceWithProfile(
      t,
      h,
      { name: hrName },
      { name: `emp-${Date.now()}`, mappings: { uid: accountAttr(hrName, 'name') } },
    );
    const csv = `id,name\n${Array.from({ length: 3000 }, (_, i) => `${i + 1},user${i + 1}`).join('\n')}\n`;
    const loaded = await loadClient(t, h).load(sourceId, csv);
    expect(loaded.result).toMatchObject({ added: 3000, identitiesCreated: 3000 });
    expect(await supersededVersions('accounts')).toEqual({ live: 3000, superseded: 0 });
  });

  it('on a second source: new accounts join their identity by uid as they are inserted', async () => {
    const h = await t.admin();
    const hrName = `hr2-${Date.now()}`;
    const { sourceId } = await sourceWithProfile(
      t,
      h,
      { name: hrName },
      { name: `emp2-${Date.now()}`, mappings: { uid: accountAttr(hrName, 'name') } },
    );
    await loadAndProcess(t, h, sourceId, 'id,name\n1,Alice\n2,Bob\n');
    const before = await supersededVersions('accounts');
    const loads = loadClient(t, h);
    const app = await loads.newSource();
    const loaded = await loads.load(app.id, 'id,name\na1,ALICE\na2,bob\na3,nobody\n');
    expect(loaded.result).toMatchObject({ added: 3 });
    const accounts = await loads.accountsOf(app.id);
    const people = await loads.identities();
    const idOf = (name: string) => people.find((p) => p.name === name)?.id;
    expect(accounts.map((a) => [a.name, a.identityId])).toEqual([
      ['ALICE', idOf('Alice')],
      ['bob', idOf('Bob')],
      ['nobody', null],
    ]);
    const after = await supersededVersions('accounts');
    expect(after.superseded - before.superseded).toBe(0);
  });
});
