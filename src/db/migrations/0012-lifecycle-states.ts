import { sql, type Kysely } from 'kysely';

/**
 * Lifecycle states (ISC's "provisioning settings" of an identity profile) and an identity's state.
 * Frozen in time.
 *
 * A state belongs to one profile and goes with it (on delete cascade). Its technical name is the
 * value a profile's `cloudLifecycleState` mapping produces; it is unique within the profile
 * whatever its case (like profile and source names here), so a mapping's value can never name two
 * states, and never changes (the API refuses it). The structured settings are `jsonb`, stored as
 * the API gives them: nothing here queries into them.
 *
 * `identities.lifecycle_state` is the technical name of the identity's state as the state stores
 * it (null = none); `lifecycle_state_manual` says it was set by `set-lifecycle-state` rather than
 * computed. A state's `identityCount` counts its profile's identities with that name: the partial
 * index serves that count without touching identities that have no state. Adding two columns with
 * constant defaults rewrites no rows (PostgreSQL 11+).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table lifecycle_states (
      id text primary key,
      tenant_id text not null default 'default',
      profile_id text not null references identity_profiles(id) on delete cascade,
      technical_name text not null,
      name text not null,
      enabled boolean not null default false,
      description text,
      identity_state text,
      priority integer,
      email_notification_option jsonb,
      account_actions jsonb not null default '[]',
      access_profile_ids jsonb not null default '[]',
      access_action_configuration jsonb,
      created timestamptz not null default now(),
      modified timestamptz not null default now()
    );
    create unique index lifecycle_states_technical_name on lifecycle_states (profile_id, lower(technical_name));

    alter table identities
      add column lifecycle_state text,
      add column lifecycle_state_manual boolean not null default false;
    create index identities_lifecycle_state on identities (profile_id, lifecycle_state) where lifecycle_state is not null;
  `.execute(db);
}
