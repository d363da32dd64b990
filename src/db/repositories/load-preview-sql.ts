import { sql, type Kysely } from 'kysely';
import type { LoadCounts, LoadIdentityPreview, LoadSamples } from '../../domain/accounts/repository.js';
import type { DB } from '../types.js';

/**
 * Read-only comparisons of a load's staged rows (`account_load_rows`) with the source's accounts:
 * what applying them (`domain/accounts/apply.ts`: removals with orphaned identities, then upserts forming identities) would do. Each is
 * one set-based statement; nothing here writes.
 */

/**
 * How many accounts the source has, and how many of them the staged rows leave out (the removals).
 * No attributes compared, so a real load can afford it before it applies anything. The removals
 * are counted as an anti-join (a hash of the staged ids, as the apply's own delete does): counting
 * the kept rows with `exists` inside the aggregate ran one index probe per staged row, 3× slower.
 */
export async function countRemovals(
  db: Kysely<DB>,
  taskId: string,
  sourceId: string,
): Promise<Pick<LoadCounts, 'accountsOnSource' | 'rows' | 'removed'>> {
  const r = await sql<{ accountsOnSource: number; rows: number; removed: number }>`
    select (select count(*) from accounts where source_id = ${sourceId})::int as accounts_on_source,
           (select count(*) from account_load_rows where task_id = ${taskId})::int as rows,
           (select count(*) from accounts a where a.source_id = ${sourceId}
              and not exists (select 1 from account_load_rows r where r.task_id = ${taskId} and r.native_identity = a.native_identity))::int as removed`.execute(
    db,
  );
  return r.rows[0];
}

/** Every count a load reports, by the same rules as the upsert (a row is updated when its name or attributes differ). */
export async function compareStaged(db: Kysely<DB>, taskId: string, sourceId: string): Promise<LoadCounts> {
  const r = await sql<{ accountsOnSource: number; rows: number; added: number; updated: number }>`
    select (select count(*) from accounts where source_id = ${sourceId})::int as accounts_on_source,
           count(*)::int as rows,
           count(*) filter (where a.id is null)::int as added,
           count(*) filter (where a.id is not null and (a.name is distinct from r.name or a.attributes is distinct from r.attributes))::int as updated
    from account_load_rows r left join accounts a on a.source_id = ${sourceId} and a.native_identity = r.native_identity
    where r.task_id = ${taskId}`.execute(db);
  const { accountsOnSource, rows, added, updated } = r.rows[0];
  const kept = rows - added;
  return { accountsOnSource, rows, added, updated, unchanged: kept - updated, removed: accountsOnSource - kept };
}

/** Up to `limit` examples of each change, in file order (removals in account id order). */
export async function sampleStaged(
  db: Kysely<DB>,
  taskId: string,
  sourceId: string,
  limit: number,
): Promise<Pick<LoadSamples, 'added' | 'updated' | 'removed'>> {
  const added = await sql<{ line: number; nativeIdentity: string; name: string }>`
    select r.line_no as line, r.native_identity, r.name from account_load_rows r
    where r.task_id = ${taskId} and not exists (select 1 from accounts a where a.source_id = ${sourceId} and a.native_identity = r.native_identity)
    order by r.line_no limit ${limit}`.execute(db);
  // the attributes that differ, named (the account's name comes from one of them)
  const updated = await sql<{ line: number; nativeIdentity: string; name: string; changed: string[] }>`
    select r.line_no as line, r.native_identity, r.name,
           array(select k from (select jsonb_object_keys(r.attributes) as k union select jsonb_object_keys(a.attributes)) keys
                 where r.attributes -> k is distinct from a.attributes -> k order by k) as changed
    from account_load_rows r join accounts a on a.source_id = ${sourceId} and a.native_identity = r.native_identity
    where r.task_id = ${taskId} and (a.name is distinct from r.name or a.attributes is distinct from r.attributes)
    order by r.line_no limit ${limit}`.execute(db);
  const removed = await sql<{ nativeIdentity: string; name: string }>`
    select a.native_identity, a.name from accounts a
    where a.source_id = ${sourceId} and not exists (select 1 from account_load_rows r where r.task_id = ${taskId} and r.native_identity = a.native_identity)
    order by a.native_identity limit ${limit}`.execute(db);
  return { added: added.rows, updated: updated.rows, removed: removed.rows };
}

/**
 * The identities the load would remove and create, by the rules the job applies in this order:
 * identities left without any account are removed (`removeOrphans`: also ones that had none
 * before); then the source's uncorrelated accounts (new ones, and kept ones no identity claims)
 * join the surviving identity whose `uid` equals their name, ignoring case (`correlateAccounts`);
 * on an authoritative source each one left forms an identity (`formIdentities`).
 *
 * The `uid` match has no index, so it must be a hash join: the planner, which estimates the
 * uncorrelated accounts poorly (often 1 row), otherwise compared every one of them with every
 * identity's uid in a nested loop — 10,000 new accounts against 1,000,000 identities did not
 * finish in 15 minutes. Nested loops are turned off for this one statement (`set local`, in a
 * transaction of its own unless it runs in one already, where the setting is put back).
 */
export async function previewIdentities(
  db: Kysely<DB>,
  tenantId: string,
  taskId: string,
  sourceId: string,
  limit: number,
): Promise<LoadIdentityPreview> {
  const run = async (trx: Kysely<DB>) => {
    const before = await sql<{ setting: string }>`select current_setting('enable_nestloop') as setting`.execute(trx);
    await sql`select set_config('enable_nestloop', 'off', true)`.execute(trx);
    try {
      return await identitiesStatement(trx, tenantId, taskId, sourceId, limit);
    } finally {
      await sql`select set_config('enable_nestloop', ${before.rows[0].setting}, true)`.execute(trx);
    }
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

async function identitiesStatement(
  db: Kysely<DB>,
  tenantId: string,
  taskId: string,
  sourceId: string,
  limit: number,
): Promise<LoadIdentityPreview> {
  const r = await sql<{
    removed: number;
    created: number;
    removedSamples: LoadSamples['identitiesRemoved'];
    createdSamples: LoadSamples['identitiesCreated'];
  }>`
    with staged as (select native_identity, line_no, name from account_load_rows where task_id = ${taskId}),
    kept_elsewhere as (
      -- an identity keeps an account on another source, or one on this source the file still holds
      select a.identity_id from accounts a where a.identity_id is not null and a.source_id <> ${sourceId}
      union all
      select a.identity_id from accounts a join staged s on s.native_identity = a.native_identity
      where a.source_id = ${sourceId} and a.identity_id is not null
    ),
    gone as (
      select i.id, i.name from identities i
      where i.tenant_id = ${tenantId} and not exists (select 1 from kept_elsewhere k where k.identity_id = i.id)
    ),
    uncorrelated as (
      -- new accounts, and kept ones no identity claims (their name after the load is the file's)
      select s.native_identity, s.line_no, s.name from staged s
      where not exists (select 1 from accounts a where a.source_id = ${sourceId} and a.native_identity = s.native_identity)
      union all
      select s.native_identity, s.line_no, s.name from staged s
      join accounts a on a.source_id = ${sourceId} and a.native_identity = s.native_identity
      where a.identity_id is null
    ),
    uids as (
      select lower(st.attributes->>'uid') as uid from identity_state st join identities i on i.id = st.identity_id
      where i.tenant_id = ${tenantId} and st.attributes ? 'uid' and not exists (select 1 from gone g where g.id = st.identity_id)
    ),
    formed as (
      select u.native_identity, u.line_no, u.name from uncorrelated u
      where exists (select 1 from identity_profiles p where p.authoritative_source_id = ${sourceId})
        and not exists (select 1 from uids where uids.uid = lower(u.name))
    )
    select (select count(*) from gone)::int as removed,
           (select count(*) from formed)::int as created,
           (select coalesce(jsonb_agg(x), '[]') from (select id, name from gone order by name, id limit ${limit}) x) as removed_samples,
           (select coalesce(jsonb_agg(x), '[]') from (select line_no as line, native_identity as "nativeIdentity", name from formed order by line_no limit ${limit}) x) as created_samples`.execute(
    db,
  );
  const row = r.rows[0];
  return {
    created: row.created,
    removed: row.removed,
    samples: { identitiesCreated: row.createdSamples, identitiesRemoved: row.removedSamples },
  };
}
