import { sql, type Kysely } from 'kysely';

/** Frozen in time: never import application code here. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table api_clients (
      id text primary key,
      tenant_id text not null default 'default',
      name text not null,
      secret_hash text not null,
      authorities text[] not null,
      scopes text[] not null,
      created timestamptz not null default now(),
      revoked_at timestamptz
    );
    create table settings (key text primary key, value jsonb not null);
    create table sources (
      id text primary key,
      tenant_id text not null default 'default',
      name text not null,
      description text,
      owner_type text, owner_id text, owner_name text,
      connector text not null default 'delimited-file',
      type text not null default 'DelimitedFile',
      manager_correlation_mapping jsonb,
      created timestamptz not null default now(),
      modified timestamptz not null default now()
    );
    create unique index sources_name_unique on sources (tenant_id, lower(name));
    create table identity_profiles (
      id text primary key,
      tenant_id text not null default 'default',
      name text not null,
      description text,
      owner_type text, owner_id text, owner_name text,
      priority integer not null,
      authoritative_source_id text not null references sources(id),
      identity_attribute_config jsonb not null,
      identity_exception_report_reference jsonb,
      has_time_based_attr boolean not null,
      identity_refresh_required boolean not null default false,
      identity_count integer not null default 0,
      created timestamptz not null default now(),
      modified timestamptz not null default now()
    );
    create unique index identity_profiles_name_unique on identity_profiles (tenant_id, lower(name));
    create unique index identity_profiles_source_unique on identity_profiles (tenant_id, authoritative_source_id);
    create index identity_profiles_lower_name on identity_profiles (tenant_id, lower(name) text_pattern_ops);
    create index identity_profiles_priority on identity_profiles (tenant_id, priority, lower(name));
    create index identity_profiles_created on identity_profiles (tenant_id, created);
    create index identity_profiles_modified on identity_profiles (tenant_id, modified);
    create table tasks (
      id text primary key,
      tenant_id text not null default 'default',
      type text not null,
      name text not null,
      description text not null,
      launcher text not null,
      target jsonb,
      launched timestamptz not null default now(),
      completed timestamptz,
      completion_status text,
      progress jsonb,
      messages jsonb not null default '[]',
      result jsonb,
      modified timestamptz not null default now()
    );
    create table audit_log (
      id bigserial primary key,
      tenant_id text not null default 'default',
      entity_type text not null,
      entity_id text not null,
      action text not null,
      actor text not null,
      at timestamptz not null default now(),
      detail jsonb
    );
    create index audit_log_entity on audit_log (tenant_id, entity_type, entity_id, at);
    create table transforms (
      id text primary key,
      tenant_id text not null default 'default',
      name text not null,
      type text not null,
      attributes jsonb,
      internal boolean not null default false,
      created timestamptz not null default now(),
      modified timestamptz not null default now()
    );
    create unique index transforms_name_unique on transforms (tenant_id, lower(name));
  `.execute(db);
}
