import { sql, type Kysely } from 'kysely';

/** Accounts loaded into sources, identities formed from them, and chunked task bookkeeping. Frozen in time. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table sources
      add column account_id_column text not null default 'id',
      add column account_name_column text not null default 'name',
      add column account_attribute_names text[] not null default '{}';

    alter table identity_profiles add column last_processed timestamptz;

    create table identities (
      id text primary key,
      tenant_id text not null default 'default',
      name text not null,
      profile_id text references identity_profiles(id),
      attributes jsonb not null default '{}',
      manager_id text references identities(id) on delete set null,
      processing_state text,
      last_refresh timestamptz,
      created timestamptz not null default now(),
      modified timestamptz not null default now()
    );
    create index identities_profile on identities (tenant_id, profile_id, id);
    create index identities_name on identities (tenant_id, lower(name) text_pattern_ops);
    create index identities_manager on identities (manager_id);

    create table accounts (
      id text primary key,
      tenant_id text not null default 'default',
      source_id text not null references sources(id) on delete cascade,
      native_identity text not null,
      name text not null,
      attributes jsonb not null default '{}',
      identity_id text references identities(id) on delete set null,
      created timestamptz not null default now(),
      modified timestamptz not null default now()
    );
    create unique index accounts_native_identity on accounts (source_id, native_identity);
    create index accounts_identity on accounts (identity_id);
    create index accounts_name on accounts (tenant_id, lower(name) text_pattern_ops);

    -- rows of an uploaded accounts file, staged until the load job applies them in one transaction
    create table account_load_rows (
      task_id text not null references tasks(id) on delete cascade,
      native_identity text not null,
      line_no integer not null,
      name text not null,
      attributes jsonb not null,
      primary key (task_id, native_identity)
    );

    create table task_chunks (
      task_id text not null references tasks(id) on delete cascade,
      phase text not null,
      chunk_no integer not null,
      first_id text,
      last_id text,
      done boolean not null default false,
      processed integer not null default 0,
      changed integer not null default 0,
      failed integer not null default 0,
      errors jsonb not null default '[]',
      summary jsonb,
      primary key (task_id, phase, chunk_no)
    );
  `.execute(db);
}
