import { sql, type Kysely } from 'kysely';

/**
 * The references of accounts (to their source and identity) and of identities (to their profile)
 * are checked once per statement instead of once per row. Frozen in time.
 *
 * A foreign key checks each inserted row with a query of its own: in a load, whose one statement
 * inserts 100,000 accounts and the identities they form, the three keys cost 1.8 s of the
 * apply's 5.0 s of PostgreSQL time (auto_explain, 2026-12-07). Checked per statement, the new
 * rows (the statement's transition table) are joined to what they reference in one query.
 *
 * The checks keep a foreign key's guarantees, concurrency included:
 * - what the new rows reference is locked FOR KEY SHARE, as the key's check does, so a
 *   concurrent delete of it waits for this transaction — and one that got there first makes the
 *   lock find nothing and the check fail. Rows this transaction inserted itself (the identities a
 *   load forms in the same statement) are not locked: no one else can see them, let alone delete
 *   them, and locking 100,000 of them would cost what the key did.
 * - a violation is raised as the key raised it: SQLSTATE 23503, the key's constraint name, its
 *   message and detail (db/errors.ts and clients see no difference).
 * - deleting what is referenced does what the key's action did: a source's accounts go with it
 *   (on delete cascade), an identity's accounts keep living without it (set null), a profile with
 *   identities is not deleted (no action). The statements that check run as the statement ends,
 *   after the key's own action would have.
 * An update that changes a reference (rare: correlation, placement) is checked per row, only when
 * the reference changed — as the key did.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table accounts drop constraint accounts_source_id_fkey, drop constraint accounts_identity_id_fkey;
    alter table identities drop constraint identities_profile_id_fkey;

    -- this transaction's id as a row's xmin shows it (xid is the low 32 bits of xid8)
    create function current_xmin() returns xid language sql stable as $$
      select (pg_current_xact_id()::text::bigint % 4294967296)::text::xid
    $$;

    create function missing_reference(constraint_name text, table_name text, key_column text, key_value text, referenced text) returns void
    language plpgsql as $$
    begin
      raise foreign_key_violation using
        message = format('insert or update on table "%s" violates foreign key constraint "%s"', table_name, constraint_name),
        detail = format('Key (%s)=(%s) is not present in table "%s".', key_column, key_value, referenced),
        constraint = constraint_name, table = table_name, column = key_column;
    end $$;

    create function accounts_references_hold() returns trigger language plpgsql as $$
    declare
      me xid := current_xmin();
      missing text;
      wanted bigint; present bigint; others bigint; locked bigint;
    begin
      perform 1 from sources s where s.id in (select distinct source_id from new_rows) order by s.id for key share of s;
      select n.source_id into missing from new_rows n where not exists (select 1 from sources s where s.id = n.source_id) limit 1;
      if found then perform missing_reference('accounts_source_id_fkey', 'accounts', 'source_id', missing, 'sources'); end if;
      -- identities: one pass finds them all and tells this transaction's own from the others,
      -- which alone are locked (a load's new accounts mostly name identities it formed itself)
      with wanted as materialized (
        select distinct identity_id as id from new_rows where identity_id is not null
      ), present as materialized (
        select i.id, i.xmin = me as own from wanted w join identities i on i.id = w.id
      ), locked as (
        select i.id from identities i where i.id in (select p.id from present p where not p.own) order by i.id for key share of i
      )
      select (select count(*) from wanted), (select count(*) from present), (select count(*) from present where not own), (select count(*) from locked)
        into wanted, present, others, locked;
      if wanted <> present or others <> locked then
        -- one gone before the statement's snapshot, or deleted by a transaction the lock waited for
        select n.identity_id into missing from new_rows n
          where n.identity_id is not null and not exists (select 1 from identities i where i.id = n.identity_id) limit 1;
        perform missing_reference('accounts_identity_id_fkey', 'accounts', 'identity_id', coalesce(missing, '?'), 'identities');
      end if;
      return null;
    end $$;
    create trigger accounts_references_inserted after insert on accounts
      referencing new table as new_rows for each statement execute function accounts_references_hold();

    create function account_references_hold() returns trigger language plpgsql as $$
    begin
      perform 1 from sources s where s.id = new.source_id for key share of s;
      if not found then perform missing_reference('accounts_source_id_fkey', 'accounts', 'source_id', new.source_id, 'sources'); end if;
      if new.identity_id is not null then
        perform 1 from identities i where i.id = new.identity_id for key share of i;
        if not found then perform missing_reference('accounts_identity_id_fkey', 'accounts', 'identity_id', new.identity_id, 'identities'); end if;
      end if;
      return null;
    end $$;
    create trigger accounts_references_updated after update on accounts for each row
      when (old.source_id is distinct from new.source_id or old.identity_id is distinct from new.identity_id)
      execute function account_references_hold();

    create function identities_references_hold() returns trigger language plpgsql as $$
    declare missing text;
    begin
      perform 1 from identity_profiles p where p.id in (select distinct profile_id from new_rows where profile_id is not null)
        order by p.id for key share of p;
      select n.profile_id into missing from new_rows n
        where n.profile_id is not null and not exists (select 1 from identity_profiles p where p.id = n.profile_id) limit 1;
      if found then perform missing_reference('identities_profile_id_fkey', 'identities', 'profile_id', missing, 'identity_profiles'); end if;
      return null;
    end $$;
    create trigger identities_references_inserted after insert on identities
      referencing new table as new_rows for each statement execute function identities_references_hold();

    create function identity_references_hold() returns trigger language plpgsql as $$
    begin
      perform 1 from identity_profiles p where p.id = new.profile_id for key share of p;
      if not found then perform missing_reference('identities_profile_id_fkey', 'identities', 'profile_id', new.profile_id, 'identity_profiles'); end if;
      return null;
    end $$;
    create trigger identities_references_updated after update on identities for each row
      when (new.profile_id is not null and old.profile_id is distinct from new.profile_id)
      execute function identity_references_hold();

    -- the referenced side: what each key did on delete
    create function source_accounts_removed() returns trigger language plpgsql as $$
    begin
      delete from accounts a using old_rows o where a.source_id = o.id;
      return null;
    end $$;
    create trigger sources_accounts_cascade after delete on sources
      referencing old table as old_rows for each statement execute function source_accounts_removed();

    create function identity_accounts_released() returns trigger language plpgsql as $$
    begin
      update accounts a set identity_id = null from old_rows o where a.identity_id = o.id;
      return null;
    end $$;
    create trigger identities_accounts_set_null after delete on identities
      referencing old table as old_rows for each statement execute function identity_accounts_released();

    create function profile_identities_remain() returns trigger language plpgsql as $$
    declare kept text;
    begin
      select o.id into kept from old_rows o
        where exists (select 1 from identities i where i.tenant_id = o.tenant_id and i.profile_id = o.id) limit 1;
      if found then
        raise foreign_key_violation using
          message = 'update or delete on table "identity_profiles" violates foreign key constraint "identities_profile_id_fkey" on table "identities"',
          detail = format('Key (id)=(%s) is still referenced from table "identities".', kept),
          constraint = 'identities_profile_id_fkey', table = 'identities';
      end if;
      return null;
    end $$;
    create trigger identity_profiles_identities_restrict after delete on identity_profiles
      referencing old table as old_rows for each statement execute function profile_identities_remain();
  `.execute(db);
}
