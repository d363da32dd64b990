import { sql, type Kysely } from 'kysely';
import { INPUTS_LOCK } from './0006-identity-state.js';

/**
 * Accounts record whether they are disabled (ISC's `Account.disabled`): set by
 * `POST /…/accounts/{id}/enable|disable` and by lifecycle states' account actions
 * (domain/accounts/enable-disable.ts). Existing accounts are enabled. Frozen in time.
 *
 * Processing never reads `disabled`, so an update that changes only it no longer clears the
 * identities' run keys (0006's statement trigger did for any update) — and no longer takes the
 * inputs lock, which a processing chunk holds shared: a lifecycle state's account actions run
 * beside (or inside) processing without waiting for, or deadlocking with, its chunks. Every other
 * column counts (`created`/`modified` too: a mapping may pick an account by them,
 * `accountSortAttribute`), so enabling and disabling leave `modified` as it was. A trigger with a
 * column list cannot have transition tables, so the function compares the rows; a column added
 * later must join the list unless processing never reads it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table accounts add column disabled boolean not null default false;

    create or replace function identity_inputs_changed() returns trigger language plpgsql as $$
    begin
      -- nested: an insert's or delete's trigger has only one of the two transition tables
      if tg_op = 'UPDATE' then
        if not exists (
          select 1 from old_rows o join new_rows n on n.id = o.id
          where (o.identity_id, o.source_id, o.native_identity, o.name, o.attributes, o.tenant_id, o.created, o.modified)
            is distinct from (n.identity_id, n.source_id, n.native_identity, n.name, n.attributes, n.tenant_id, n.created, n.modified)
        ) then
          return null;
        end if;
      end if;
      perform pg_advisory_xact_lock(${sql.raw(String(INPUTS_LOCK))});
      if tg_op = 'INSERT' then
        update identity_state s set input_fingerprint = null
        from (select distinct identity_id from new_rows) c where s.identity_id = c.identity_id and s.input_fingerprint is not null;
      elsif tg_op = 'UPDATE' then
        update identity_state s set input_fingerprint = null
        from (select identity_id from new_rows union select identity_id from old_rows) c where s.identity_id = c.identity_id and s.input_fingerprint is not null;
      else
        update identity_state s set input_fingerprint = null
        from (select distinct identity_id from old_rows) c where s.identity_id = c.identity_id and s.input_fingerprint is not null;
      end if;
      return null;
    end $$;
  `.execute(db);
}
