import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { AccountRange } from '../../domain/identities/repository.js';
import type { DB } from '../types.js';

/** The set-based statements behind identity formation, profile assignment and manager correlation. */

/**
 * `and` the accounts (alias `a`) of a load's batch (`range`, see AccountRange); nothing without one.
 * Over the unique index on (source_id, native_identity), so a batch reads only its own accounts.
 */
const inRange = (range: AccountRange | undefined, alias = 'a'): RawBuilder<unknown> => {
  if (!range) return sql``;
  const column = sql.ref(`${alias}.native_identity`);
  return sql`and ${column} <= ${range.through} ${range.after === null ? sql`` : sql`and ${column} > ${range.after}`}`;
};

/**
 * Correlation: an uncorrelated account of the source joins the identity whose `uid` attribute
 * equals the account's name, ignoring case (the smallest id if several do). One hash join.
 */
export async function correlateAccounts(
  db: Kysely<DB>,
  tenantId: string,
  sourceId: string,
  range?: AccountRange,
): Promise<number> {
  // a batch with no uncorrelated account (most, when a load adds nothing) skips the candidates' aggregate
  if (
    range &&
    !(await db
      .selectFrom('accounts as a')
      .select('a.id')
      .where('a.sourceId', '=', sourceId)
      .where('a.identityId', 'is', null)
      .where('a.nativeIdentity', '<=', range.through)
      .$if(range.after !== null, (q) => q.where('a.nativeIdentity', '>', range.after!))
      .limit(1)
      .executeTakeFirst())
  )
    return 0;
  const r = await sql`
    with candidates as (
      select lower(s.attributes->>'uid') as uid, min(s.identity_id) as identity_id
      from identity_state s join identities i on i.id = s.identity_id
      where i.tenant_id = ${tenantId} and s.attributes ? 'uid' group by lower(s.attributes->>'uid')
    )
    update accounts a set identity_id = c.identity_id, modified = now()
    from candidates c
    where a.source_id = ${sourceId} and a.identity_id is null and c.uid = lower(a.name) ${inRange(range)}`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

/**
 * An identity's id derives from the account it is formed from: that account's first 16 hex digits
 * (ordered by creation, migration 0008) and 16 of an md5 of its id. The two plain statements of
 * `formIdentities` need no join between them, and identities sort like the accounts they were
 * formed from.
 */
export const identityIdOf = (accountId: RawBuilder<unknown>) =>
  sql`left(${accountId}, 16) || right(md5('identity:' || ${accountId}), 16)`;
const IDENTITY_ID = identityIdOf(sql.ref('a.id'));

/** The profile an account of `sourceId` forms its identity under: the highest-priority one with that authoritative source (none: the source forms none). */
export function formingProfileOf(db: Kysely<DB>, sourceId: string): Promise<{ id: string } | undefined> {
  return db
    .selectFrom('identityProfiles')
    .select('id')
    .where('authoritativeSourceId', '=', sourceId)
    .orderBy('priority')
    .orderBy('id')
    .executeTakeFirst();
}

/**
 * One identity per uncorrelated account of an authoritative source, placed at once under the
 * highest-priority profile on that source (where its one account puts it), so that placing
 * identities afterwards does not rewrite every new row: the rows stay in the order they were
 * written, the order of their ids (see IDENTITY_ID). Returns how many were formed, and where.
 */
export async function formIdentities(
  db: Kysely<DB>,
  tenantId: string,
  sourceId: string,
  range?: AccountRange,
): Promise<{ formed: number; profileId?: string }> {
  const profile = await formingProfileOf(db, sourceId);
  if (!profile) return { formed: 0 };
  const inserted = await sql`
    insert into identities (id, tenant_id, name, profile_id)
    select ${IDENTITY_ID}, ${tenantId}, a.name, ${profile.id} from accounts a
    where a.source_id = ${sourceId} and a.identity_id is null ${inRange(range)}
    on conflict (id) do nothing`.execute(db);
  await sql`update accounts a set identity_id = ${IDENTITY_ID} where a.source_id = ${sourceId} and a.identity_id is null ${inRange(range)}`.execute(
    db,
  );
  const formed = Number(inserted.numAffectedRows ?? 0);
  return formed ? { formed, profileId: profile.id } : { formed };
}

/**
 * Places identities under their highest-priority profile; with `sourceIds`, only identities with an
 * account there; with `range` (one source's), only identities with an account in it.
 */
export async function assignProfiles(
  db: Kysely<DB>,
  tenantId: string,
  sourceIds?: readonly string[],
  range?: AccountRange,
): Promise<{ moved: number; affectedProfiles: string[] }> {
  if (sourceIds && sourceIds.length === 0) return { moved: 0, affectedProfiles: [] };
  const scope = range
    ? // an array of the batch's few identities: looked up by primary key, whatever the planner
      // estimates (as a semi-join it was hashed over a scan of all identities, once per batch)
      sql`and i.id = any(array(select x.identity_id from accounts x where x.source_id = ${range.sourceId} ${inRange(range, 'x')}))`
    : sourceIds
      ? sql`and exists (select 1 from accounts x where x.identity_id = i.id and x.source_id in (${sql.join(sourceIds)}))`
      : sql``;
  const r = await sql<{ oldProfile: string | null; newProfile: string | null }>`
    with best as (
      select i.id, (
        select p.id from accounts a join identity_profiles p on p.authoritative_source_id = a.source_id
        where a.identity_id = i.id order by p.priority, p.id limit 1) as profile_id, i.profile_id as old_profile
      from identities i where i.tenant_id = ${tenantId} ${scope}
    )
    update identities i set profile_id = b.profile_id, modified = now()
    from best b where i.id = b.id and i.profile_id is distinct from b.profile_id
    returning b.old_profile, i.profile_id as new_profile`.execute(db);
  const affected = new Set<string>();
  for (const row of r.rows) {
    if (row.oldProfile) affected.add(row.oldProfile);
    if (row.newProfile) affected.add(row.newProfile);
  }
  return { moved: r.rows.length, affectedProfiles: [...affected] };
}

export async function correlateManagers(
  db: Kysely<DB>,
  tenantId: string,
  profileId: string,
  sourceId: string,
  mapping: { accountAttributeName: string; identityAttributeName: string },
  since: Date,
): Promise<{ changed: number; notChangedBefore: number }> {
  // One hash join for the whole profile; an ambiguous key picks the smallest id, deterministically.
  // The attribute names are bound once (params) so DISTINCT ON and ORDER BY use the same expression.
  const r = await sql<{ changed: number; notChangedBefore: number }>`
    with params as (select ${mapping.identityAttributeName}::text as identity_attr, ${mapping.accountAttributeName}::text as account_attr),
    keyed as (
      select distinct on (m.attributes->>p.identity_attr) m.attributes->>p.identity_attr as key, m.identity_id as id
      from identity_state m join identities mi on mi.id = m.identity_id, params p
      where mi.tenant_id = ${tenantId} and m.attributes->>p.identity_attr is not null
      order by m.attributes->>p.identity_attr, m.identity_id
    ), wanted as (
      select i.id, s.modified as old_modified, s.manager_id as old_manager_id, min(k.id) as manager_id
      from identities i
      cross join params p
      left join identity_state s on s.identity_id = i.id
      left join accounts a on a.identity_id = i.id and a.source_id = ${sourceId}
      left join keyed k on k.key = a.attributes->>p.account_attr and k.id <> i.id
      where i.profile_id = ${profileId}
      group by i.id, s.modified, s.manager_id
    ), written as (
      insert into identity_state (identity_id, manager_id, modified)
      select w.id, w.manager_id, now() from wanted w where w.old_manager_id is distinct from w.manager_id
      on conflict (identity_id) do update set manager_id = excluded.manager_id, modified = excluded.modified
      returning identity_id
    )
    select count(*)::int as changed,
           count(*) filter (where w.old_modified is null or w.old_modified < ${since})::int as not_changed_before
    from written x join wanted w on w.id = x.identity_id`.execute(db);
  return r.rows[0];
}
