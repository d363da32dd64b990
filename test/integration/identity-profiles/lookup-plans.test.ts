/**
 * The hot statements that find profiles by id (GET's and PATCH's shared reads, the group write)
 * must reach the rows through the primary key whatever the statistics say: on a table that was
 * never analyzed, a tenant condition the planner could use as an index condition was ANDed with
 * the ids as a bitmap of the tenant's whole index (every profile's entry read per batch).
 */
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { JSON_BY_IDS } from '../../../src/db/repositories/identity-profiles.js';
import { UPDATE_MANY_IF_VERSION } from '../../../src/db/repositories/identity-profile-writes.js';
import { describeOnDatabases } from './helpers.js';

const PROFILES = 2000;

describeOnDatabases('identity profiles: lookups by id without statistics', (app) => {
  it.each([
    ['the shared read', JSON_BY_IDS, `'default', '{plan-p1,plan-p2}'`],
    ['the group write', UPDATE_MANY_IF_VERSION, `'default', '[]', '{plan-p1,plan-p2}'`],
  ])('%s uses the primary key and no index on the tenant (generic plan)', async (_, text, args) => {
    const { db } = app().services.database;
    // as many rows as bench/api makes, added without ANALYZE (autovacuum would come later, if at all)
    await sql
      .raw(
        `insert into sources (id, name) select 'plan-s' || g, 'plan source ' || g from generate_series(1, ${PROFILES}) g on conflict do nothing`,
      )
      .execute(db);
    await sql
      .raw(`insert into identity_profiles (id, name, priority, authoritative_source_id, identity_attribute_config, has_time_based_attr, json_head, json_tail)
        select 'plan-p' || g, 'plan profile ' || g, g, 'plan-s' || g, '{}', false, '', '' from generate_series(1, ${PROFILES}) g on conflict do nothing`)
      .execute(db);
    const plan = await db.connection().execute(async (c) => {
      await sql`set plan_cache_mode = force_generic_plan`.execute(c);
      await sql.raw(`prepare lookup_plan as ${text}`).execute(c);
      try {
        return (await sql.raw<{ 'QUERY PLAN': string }>(`explain execute lookup_plan(${args})`).execute(c)).rows
          .map((r) => r['QUERY PLAN'])
          .join('\n');
      } finally {
        await sql`deallocate lookup_plan`.execute(c);
        await sql`reset plan_cache_mode`.execute(c);
      }
    });
    expect(plan).toMatch(/identity_profiles_pkey/);
    expect(plan).not.toMatch(/identity_profiles_(created|lower_name|name_unique|priority|source_unique)/);
  });
});
