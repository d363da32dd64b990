import { sql, type Kysely } from 'kysely';
import { INPUTS_LOCK } from './0006-identity-state.js';

/**
 * 0011's `identity_inputs_changed` asked, in one expression, `tg_op = 'UPDATE' and not exists
 * (… old_rows … new_rows …)`: PL/pgSQL plans that expression as one query, so for an INSERT (no
 * `old_rows`) or a DELETE (no `new_rows`) it failed with "relation … does not exist", and every
 * load failed. The same function, with the UPDATE-only check inside an UPDATE-only branch.
 * Frozen in time.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function identity_inputs_changed() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' then
        -- an update of columns processing does not read (disabled, modified) changes no inputs
        if not exists (
          select 1 from old_rows o join new_rows n on n.id = o.id
          where (o.identity_id, o.source_id, o.native_identity, o.name, o.attributes, o.tenant_id)
            is distinct from (n.identity_id, n.source_id, n.native_identity, n.name, n.attributes, n.tenant_id)
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
