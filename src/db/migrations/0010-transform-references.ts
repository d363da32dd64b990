import { sql, type Kysely } from 'kysely';

/**
 * Which transforms each profile and each transform references (`reference` nodes, by name,
 * ignoring case), kept by triggers on the rows that hold the definitions and checked by foreign
 * keys, so a transform cannot be deleted while something references it, also when the two
 * happen at the same moment: whichever commits second gets a foreign-key violation (the delete
 * used to check for users, and a profile saved meanwhile slipped past the check). A foreign key
 * cannot target `lower(name)`, so transforms get it as a stored column (`name_key`), and the
 * unique index on names moves onto it under its old name (the same rule, the same message).
 *
 * The references are the `{type: "reference", attributes: {id: <string>}}` objects anywhere in a
 * definition (strict mode: each object once): what the save-time check (domain mappings.ts
 * `walkTransforms`) checks exists. Existing rows are filled here; a reference to a transform
 * that is already missing is left out (it cannot be held; the profile's next save reports it).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table transforms add column name_key text generated always as (lower(name)) stored;
    drop index transforms_name_unique;
    create unique index transforms_name_unique on transforms (tenant_id, name_key);

    create function transform_references(definition jsonb) returns setof text language sql immutable as $$
      select distinct lower(n -> 'attributes' ->> 'id') from jsonb_path_query(definition, 'strict $.** ? (@.type == "reference")') n
      where jsonb_typeof(n -> 'attributes' -> 'id') = 'string'
    $$;

    create table profile_transform_refs (
      profile_id text not null references identity_profiles (id) on delete cascade,
      tenant_id text not null,
      transform_key text not null,
      primary key (profile_id, transform_key),
      constraint profile_transform_refs_transform foreign key (tenant_id, transform_key) references transforms (tenant_id, name_key)
    );
    create index profile_transform_refs_by_transform on profile_transform_refs (tenant_id, transform_key);
    create table transform_transform_refs (
      transform_id text not null references transforms (id) on delete cascade,
      tenant_id text not null,
      transform_key text not null,
      primary key (transform_id, transform_key),
      constraint transform_transform_refs_transform foreign key (tenant_id, transform_key) references transforms (tenant_id, name_key)
    );
    create index transform_transform_refs_by_transform on transform_transform_refs (tenant_id, transform_key);

    create function profile_transform_refs_sync() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' then delete from profile_transform_refs where profile_id = old.id; end if;
      insert into profile_transform_refs (profile_id, tenant_id, transform_key)
        select new.id, new.tenant_id, k from transform_references(new.identity_attribute_config) k;
      return null;
    end $$;
    create trigger profile_transform_refs_inserted after insert on identity_profiles
      for each row execute function profile_transform_refs_sync();
    create trigger profile_transform_refs_updated after update of identity_attribute_config on identity_profiles
      for each row when (old.identity_attribute_config is distinct from new.identity_attribute_config)
      execute function profile_transform_refs_sync();

    create function transform_transform_refs_sync() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' then delete from transform_transform_refs where transform_id = old.id; end if;
      insert into transform_transform_refs (transform_id, tenant_id, transform_key)
        select new.id, new.tenant_id, k from transform_references(jsonb_build_object('type', new.type, 'attributes', new.attributes)) k;
      return null;
    end $$;
    create trigger transform_transform_refs_inserted after insert on transforms
      for each row execute function transform_transform_refs_sync();
    create trigger transform_transform_refs_updated after update of type, attributes on transforms
      for each row when (old.attributes is distinct from new.attributes or old.type is distinct from new.type)
      execute function transform_transform_refs_sync();

    insert into profile_transform_refs (profile_id, tenant_id, transform_key)
      select ip.id, ip.tenant_id, k from identity_profiles ip cross join transform_references(ip.identity_attribute_config) k
      where exists (select 1 from transforms t where t.tenant_id = ip.tenant_id and t.name_key = k);
    insert into transform_transform_refs (transform_id, tenant_id, transform_key)
      select x.id, x.tenant_id, k from transforms x cross join transform_references(jsonb_build_object('type', x.type, 'attributes', x.attributes)) k
      where exists (select 1 from transforms t where t.tenant_id = x.tenant_id and t.name_key = k);
  `.execute(db);
}
