import { sql, type Kysely } from 'kysely';
import type { DB } from '../types.js';
import { formingProfileOf, identityIdOf } from './identity-sql.js';

/** One batch of a load's staged rows: `task_id`'s rows with native identity in (`after`, `through`]. */
export interface StagedBatch {
  taskId: string;
  sourceId: string;
  after: string | null;
  through: string;
}

/**
 * Writes a batch of staged rows into the source's accounts in one statement: a row naming an
 * existing account updates it where it differs; a new account is inserted already placed — joined
 * to the identity whose `uid` equals its name (ignoring case, the smallest id if several do, as
 * `correlateAccounts`), or else, on an authoritative source, with the identity it forms under the
 * source's highest-priority profile (`formIdentities`' rule and ids). `unplaced`: the batch's
 * accounts that existed before without an identity (left to `correlateAccounts`/`formIdentities`).
 *
 * Why one statement: inserting accounts without an identity and then setting it wrote every new
 * account twice — an update of an indexed column, so never HOT: a dead tuple per account, a second
 * foreign-key check and twice the WAL (a 100,000-row load: 100,000 updates, `accounts` 117 MB
 * instead of ~60). The foreign key from an account to the identity inserted beside it holds: both
 * inserts are parts of one statement, and the key is checked at its end.
 */
export async function upsertPlaced(
  db: Kysely<DB>,
  tenantId: string,
  batch: StagedBatch,
): Promise<{
  added: number;
  updated: number;
  correlated: number;
  formed: number;
  unplaced: number;
  profileId?: string;
}> {
  const { taskId, sourceId, after, through } = batch;
  const profile = await formingProfileOf(db, sourceId);
  const r = await sql<{ added: number; updated: number; correlated: number; formed: number; unplaced: number }>`
    with batch as materialized (
      -- new accounts' ids follow the order they are written in (migration 0008)
      select lpad(to_hex(nextval('account_order')), 16, '0') || substr(md5(random()::text), 1, 16) as id, r.native_identity, r.name, r.attributes
      from account_load_rows r
      where r.task_id = ${taskId} and r.native_identity <= ${through} ${after === null ? sql`` : sql`and r.native_identity > ${after}`}
      order by r.native_identity
    ), looked_up as materialized (
      select b.*, a.id is null as fresh, a.id is not null and a.identity_id is null as unplaced
      from batch b left join accounts a on a.source_id = ${sourceId} and a.native_identity = b.native_identity
    ), candidates as (
      select lower(s.attributes->>'uid') as uid, min(s.identity_id) as identity_id
      from identity_state s join identities i on i.id = s.identity_id
      where i.tenant_id = ${tenantId} and s.attributes ? 'uid' and lower(s.attributes->>'uid') in (select lower(l.name) from looked_up l where l.fresh)
      group by lower(s.attributes->>'uid')
    ), placed as materialized (
      -- every row of the batch, in its order: no join back to it (a join on the new ids sorted the batch twice)
      select l.*, c.identity_id as correlated_to,
        case when l.fresh and c.identity_id is null and ${profile?.id ?? null}::text is not null then ${identityIdOf(sql.ref('l.id'))} end as formed_id
      from looked_up l left join candidates c on l.fresh and c.uid = lower(l.name)
    ), formed as (
      insert into identities (id, tenant_id, name, profile_id)
      select p.formed_id, ${tenantId}, p.name, ${profile?.id ?? null} from placed p where p.formed_id is not null
      on conflict (id) do nothing
      returning 1
    ), upserted as (
      insert into accounts (id, tenant_id, source_id, native_identity, name, attributes, identity_id)
      select p.id, ${tenantId}, ${sourceId}, p.native_identity, p.name, p.attributes, coalesce(p.correlated_to, p.formed_id)
      from placed p
      order by p.native_identity
      on conflict (source_id, native_identity) do update
        set name = excluded.name, attributes = excluded.attributes, modified = now()
        where accounts.name is distinct from excluded.name or accounts.attributes is distinct from excluded.attributes
      returning (xmax = 0) as inserted
    )
    select count(*) filter (where inserted)::int as added, count(*) filter (where not inserted)::int as updated,
      (select count(*)::int from placed where correlated_to is not null) as correlated, (select count(*)::int from formed) as formed,
      (select count(*)::int from looked_up where unplaced) as unplaced
    from upserted`.execute(db);
  const written = r.rows[0];
  return written.formed && profile ? { ...written, profileId: profile.id } : written;
}
