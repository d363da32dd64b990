import { sql, type Kysely } from 'kysely';

/** The advisory lock between changes of accounts (exclusive) and process-identities chunks (shared). */
export const INPUTS_LOCK = 7_318_900_112;

/**
 * What processing computes for an identity (attributes, manager, processing state, the input
 * fingerprint) moves from `identities` into its own narrow table, `identity_state`, written by
 * process-identities and nothing else. Frozen in time.
 *
 * Why: the first processing of freshly loaded identities rewrote every `identities` row, growing
 * it from ~150 to ~500 bytes, so no update could stay on its page: each added entries to the
 * table's four indexes, and setting `manager_id` ran the foreign-key check, which locks the
 * manager's row. Measured on 100,000 identities (bench/scratch, one connection): ~38 µs of
 * PostgreSQL CPU per identity for that UPDATE against ~10 µs for inserting the same values here,
 * where there is a primary key and the manager index.
 *
 * No foreign keys: removing identities removes their state and clears them as managers in the
 * same statement (`removeOrphans`), and readers join managers so that a missing one reads as none.
 * Pages keep 30 % free so that re-processing rows of about the same size with the same manager
 * rewrites them in place (HOT).
 *
 * `input_fingerprint` says with which mappings (and source names, and manager lookup) the identity
 * was last processed without error; `manager_keys` are the account values its manager was looked
 * up by. Whatever changes an identity's accounts — a load, correlation, a source's deletion, any
 * statement — clears its fingerprint through the statement triggers below, so a run reads only
 * identities whose accounts changed (and checks the others' managers by their keys). The trigger
 * first takes an advisory lock that each process-identities chunk holds shared while it reads and
 * writes (chunk-sql.ts): a change can't land between a chunk's read and its write.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table identity_state (
      identity_id text primary key,
      attributes jsonb not null default '{}',
      manager_id text,
      processing_state text,
      input_fingerprint text,
      manager_keys text[],
      last_refresh timestamptz,
      modified timestamptz not null default now()
    ) with (fillfactor = 70);
    create index identity_state_manager on identity_state (manager_id);

    -- fingerprints are not carried over: they meant something else (each identity is evaluated once more)
    insert into identity_state (identity_id, attributes, manager_id, processing_state, last_refresh, modified)
    select id, attributes, manager_id, processing_state, last_refresh, modified from identities
    where attributes <> '{}' or manager_id is not null or processing_state is not null;

    alter table identities
      drop column attributes, drop column manager_id, drop column processing_state,
      drop column last_refresh, drop column input_fingerprint;

    create function identity_inputs_changed() returns trigger language plpgsql as $$
    begin
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
    create trigger accounts_inputs_inserted after insert on accounts
      referencing new table as new_rows for each statement execute function identity_inputs_changed();
    create trigger accounts_inputs_updated after update on accounts
      referencing old table as old_rows new table as new_rows for each statement execute function identity_inputs_changed();
    create trigger accounts_inputs_deleted after delete on accounts
      referencing old table as old_rows for each statement execute function identity_inputs_changed();
  `.execute(db);
}
