import { sql, type Kysely } from 'kysely';
import type {
  IdentityChange,
  IdentityForProcessing,
  IdentityRepository,
  ManagerLookup,
} from '../../domain/identities/repository.js';
import {
  IDENTITY_ATTRIBUTE_FIELDS,
  IDENTITY_ATTRIBUTE_FILTER,
  IDENTITY_FILTERS,
  NAMED_ATTRIBUTE_FILTER,
  type Identity,
} from '../../domain/identities/schema.js';
import type { CollectionQuery } from '../../domain/shared/collection.js';
import type { FieldMap, FilterNode } from '../../query/index.js';
import type { DB } from '../types.js';
import { listPage, withColumns, type Listing } from './collection.js';
import {
  chunkQuery,
  holdInputs,
  ownersOf,
  runKey,
  toProcessingIdentity,
  type ChunkManagers,
  type ChunkRow,
} from './chunk-sql.js';
import * as Q from './identity-sql.js';

const COLUMNS = {
  id: 'i.id',
  name: 'i.name',
  alias: 'i.alias',
  emailAddress: 'i.email_address',
  email: 'i.email_address',
  processingState: 'i.processing_state',
  identityProfileId: 'i.profile_id',
  correlated: 'i.correlated',
  'managerRef.id': 'i.manager_id',
  isManager: 'i.is_manager',
};
const FIELDS = withColumns(IDENTITY_FILTERS, COLUMNS);
const SORT_COLUMNS = { name: 'i.name', alias: 'i.alias', id: 'i.id', created: 'i.created', modified: 'i.modified' };
const listing = (fields: FieldMap): Listing => ({ fields, sortColumns: SORT_COLUMNS, tiebreak: 'i.id' });

/**
 * The `attributes.<name>` fields a filter names (identityFilterRules let them through): each is a
 * column of the view, `attr_<n>`, and the field map gains it for this query alone.
 */
function attributeFields(query: CollectionQuery): { names: string[]; fields: FieldMap } {
  const names: string[] = [];
  /** filter field → the attribute it reads (`attributes.x` → x; identities.v1's `firstname` → firstname) */
  const reads = new Map<string, string>();
  const walk = (node: FilterNode | undefined) => {
    if (!node) return;
    if ('operands' in node) return node.operands.forEach(walk);
    if ('operand' in node) return walk(node.operand);
    const field = (node as { field?: { name: string } }).field?.name;
    const name = field?.startsWith('attributes.')
      ? field.slice(11)
      : IDENTITY_ATTRIBUTE_FIELDS[field as keyof typeof IDENTITY_ATTRIBUTE_FIELDS];
    if (!field || name === undefined) return;
    reads.set(field, name);
    if (!names.includes(name)) names.push(name);
  };
  walk(query.filter);
  if (!names.length) return { names, fields: FIELDS };
  const fieldsRead = [...reads.keys()];
  const rules = Object.fromEntries(
    fieldsRead.map((f) => [f, f.startsWith('attributes.') ? IDENTITY_ATTRIBUTE_FILTER : NAMED_ATTRIBUTE_FILTER]),
  );
  const columns = Object.fromEntries(fieldsRead.map((f) => [f, `i.attr_${names.indexOf(reads.get(f)!)}`]));
  return { names, fields: { ...FIELDS, ...withColumns(rules, columns) } };
}

export function identityRepository(db: Kysely<DB>, tenantId = 'default'): IdentityRepository {
  /**
   * Identities with their processed state and the derived columns ISC filters on (alias = uid,
   * emailAddress = email); `modified` is the later of the identity's and its state's. `attributes`:
   * computed attributes a filter names, as columns `attr_0`, `attr_1`….
   */
  const view = (attributes: string[] = []) =>
    db.selectFrom(
      db
        .selectFrom('identities as b')
        .leftJoin('identityState as s', 's.identityId', 'b.id')
        .select([
          'b.id',
          'b.tenantId',
          'b.name',
          'b.profileId',
          'b.created',
          's.managerId',
          's.processingState',
          's.lastRefresh',
          'b.lifecycleState',
          'b.lifecycleStateManual',
        ])
        .select(sql<Date>`greatest(b.modified, s.modified)`.as('modified'))
        .select(sql<Record<string, unknown>>`coalesce(s.attributes, '{}'::jsonb)`.as('attributes'))
        .select(sql<string | null>`s.attributes->>'uid'`.as('alias'))
        .select(sql<string | null>`s.attributes->>'email'`.as('emailAddress'))
        .select(sql<boolean>`exists (select 1 from accounts a where a.identity_id = b.id)`.as('correlated'))
        .select(sql<boolean>`exists (select 1 from identity_state r where r.manager_id = b.id)`.as('isManager'))
        .$call((q) =>
          attributes.reduce(
            (acc, name, i) => acc.select(sql<string | null>`s.attributes->>${name}`.as(`attr_${i}`)),
            q,
          ),
        )
        .where('b.tenantId', '=', tenantId)
        .as('i'),
    );
  const base = (attributes: string[] = []) =>
    view(attributes)
      .leftJoin('identities as m', 'm.id', 'i.managerId')
      .leftJoin('identityProfiles as p', 'p.id', 'i.profileId')
      .select([
        'i.id',
        'i.name',
        'i.created',
        'i.modified',
        'i.alias',
        'i.emailAddress',
        'i.processingState',
        'i.attributes',
        'i.managerId',
        'm.name as managerName',
        'i.profileId',
        'p.name as profileName',
        'i.isManager',
        'i.lifecycleState',
        'i.lifecycleStateManual',
      ])
      // the state's identityState: one lookup on lifecycle_states' unique (profile, lower(technical name)) index
      .select(
        sql<
          string | null
        >`(select ls.identity_state from lifecycle_states ls where ls.profile_id = i.profile_id and lower(ls.technical_name) = lower(i.lifecycle_state))`.as(
          'identityState',
        ),
      )
      .select(sql<Date | null>`greatest(i.last_refresh, p.last_processed)`.as('lastRefresh'));
  const sourceNames = async () =>
    new Map(
      (await db.selectFrom('sources').select(['id', 'name']).where('tenantId', '=', tenantId).execute()).map((r) => [
        r.id,
        r.name,
      ]),
    );

  const ownersOfKeys = async (lookup: ManagerLookup, rows: ChunkRow[]) => {
    const keys = new Set<string>();
    for (const r of rows) if (r.lookupKeys) for (const k of r.lookupKeys) keys.add(k);
    if (!keys.size) return new Map<string, string>();
    return new Map((await ownersOf(lookup, [...keys]).execute(db)).rows.map((o) => [o.nativeIdentity, o.identityId]));
  };

  return {
    async list(query) {
      const { names, fields } = attributeFields(query);
      const { rows, total } = await listPage(query, listing(fields), base(names), view(names));
      return { items: rows.map(toIdentity), total };
    },
    async findById(id) {
      const row = await base().where('i.id', '=', id).executeTakeFirst();
      return row ? toIdentity(row) : undefined;
    },
    async findForProcessing(id) {
      const [row] = (await chunkQuery(tenantId, { id }, { managerAttributes: true, accountStates: true }).execute(db))
        .rows;
      return row ? toProcessingIdentity(row, await sourceNames(), null) : undefined;
    },
    async loadChunk(profileId, range, options = {}) {
      await holdInputs().execute(db);
      const names = await sourceNames();
      const key = options.fingerprint ? runKey(options.fingerprint, names, options.managerLookup) : undefined;
      const rows = (await chunkQuery(tenantId, { profileId, ...range }, { ...options, runKey: key }).execute(db)).rows;
      const lookup = options.managerLookup;
      const manager = lookup ? { lookup, owners: await ownersOfKeys(lookup, rows) } : undefined;
      const identities = madeAsIterated(rows, names, key ?? null, manager);
      if (!key) return { identities, inRange: rows.length };
      if (options.evaluateAll) return { identities, inRange: rows.length };
      const counted = await db
        .selectFrom('identities')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('tenantId', '=', tenantId)
        .where('profileId', '=', profileId)
        .$call((q) =>
          'ids' in range
            ? q.where('id', 'in', range.ids.length ? [...range.ids] : [''])
            : q.where('id', '>=', range.firstId).where('id', '<=', range.lastId),
        )
        .executeTakeFirstOrThrow();
      return { identities, inRange: Number(counted.n) };
    },
    async writeFingerprints(entries) {
      if (!entries.length) return;
      // the entries are the records as they are (a key left out reads as null)
      await sql`
        update identity_state s set input_fingerprint = x.fingerprint, manager_keys = x."managerKeys"
        from jsonb_to_recordset(${JSON.stringify(entries)}::jsonb) as x(id text, fingerprint text, "managerKeys" text[])
        where s.identity_id = x.id`.execute(db);
    },
    async chunkBounds(profileId, size) {
      // one short statement per chunk, walking the (tenant, profile, id) index: a window over the
      // whole profile was one statement of ~0.2 s per 100,000 identities, which on PGlite held
      // the event loop and the one session that long
      const bounds: Array<{ firstId: string; lastId: string; count: number }> = [];
      for (let after: string | undefined; ; ) {
        const next = await db
          .selectFrom((eb) =>
            eb
              .selectFrom('identities')
              .select('id')
              .where('tenantId', '=', tenantId)
              .where('profileId', '=', profileId)
              .$if(after !== undefined, (q) => q.where('id', '>', after!))
              .orderBy('id')
              .limit(size)
              .as('c'),
          )
          .select((eb) => [
            eb.fn.min<string>('c.id').as('firstId'),
            eb.fn.max<string>('c.id').as('lastId'),
            eb.fn.countAll<number>().as('count'),
          ])
          .executeTakeFirstOrThrow();
        if (!Number(next.count)) return bounds;
        bounds.push({ firstId: next.firstId, lastId: next.lastId, count: Number(next.count) });
        after = next.lastId;
      }
    },
    async writeLifecycleStates(entries) {
      if (!entries.length) return;
      await sql`
        update identities i set lifecycle_state = x.state, lifecycle_state_manual = x.manual, modified = now()
        from jsonb_to_recordset(${JSON.stringify(entries)}::jsonb) as x(id text, state text, manual boolean)
        where i.id = x.id and i.tenant_id = ${tenantId}`.execute(db);
    },
    async writeAttributes(changes) {
      // changes that set the manager and changes that leave it as it is: one statement each
      const setting: IdentityChange[] = [];
      const leaving: IdentityChange[] = [];
      for (const c of changes) (c.managerId !== undefined ? setting : leaving).push(c);
      for (const [group, setManager] of [
        [setting, true],
        [leaving, false],
      ] as const) {
        if (!group.length) continue;
        // the changes are the records as they are (a key left out reads as null)
        await sql`
          insert into identity_state (identity_id, attributes, manager_id, processing_state, input_fingerprint, manager_keys, last_refresh, modified)
          select x.id, x.attributes, x."managerId", x."processingState", x.fingerprint, x."managerKeys", now(), now()
          from jsonb_to_recordset(${JSON.stringify(group)}::jsonb)
            as x(id text, attributes jsonb, "processingState" text, "managerId" text, fingerprint text, "managerKeys" text[])
          on conflict (identity_id) do update set attributes = excluded.attributes, processing_state = excluded.processing_state,
            input_fingerprint = excluded.input_fingerprint, manager_keys = excluded.manager_keys,
            last_refresh = excluded.last_refresh, modified = excluded.modified
            ${setManager ? sql`, manager_id = excluded.manager_id` : sql``}`.execute(db);
      }
    },
    correlateManagers: (profileId, sourceId, mapping, since) =>
      Q.correlateManagers(db, tenantId, profileId, sourceId, mapping, since),
    async markProfileProcessed(profileId, at) {
      await db.updateTable('identityProfiles').set({ lastProcessed: at }).where('id', '=', profileId).execute();
    },
    async profilesOf(ids) {
      if (!ids.length) return [];
      return db
        .selectFrom('identities')
        .select(['id', 'profileId'])
        .where('tenantId', '=', tenantId)
        .where('id', 'in', [...ids])
        .execute();
    },
    formIdentities: (sourceId, range) => Q.formIdentities(db, tenantId, sourceId, range),
    correlateAccounts: (sourceId, range) => Q.correlateAccounts(db, tenantId, sourceId, range),
    assignProfiles: (sourceIds, range) => Q.assignProfiles(db, tenantId, sourceIds, range),
    async removeOrphans(among) {
      // with no foreign keys on identity_state (migration 0006), the same statement removes the
      // identities' state and clears them as managers of the identities that stay
      const r = await sql<{ n: number }>`
        with gone as (
          delete from identities i where i.tenant_id = ${tenantId} ${among ? sql`and i.id = any(${among}::text[])` : sql``}
            and not exists (select 1 from accounts a where a.identity_id = i.id)
          returning i.id
        ), state_gone as (
          delete from identity_state s using gone g where s.identity_id = g.id
        ), unmanaged as (
          update identity_state s set manager_id = null, modified = now()
          where s.manager_id in (select id from gone) and s.identity_id not in (select id from gone)
        )
        select count(*)::int as n from gone`.execute(db);
      return r.rows[0].n;
    },
    async refreshCounts() {
      await sql`
        update identity_profiles p set identity_count = c.n
        from (select p2.id, count(i.id)::int as n from identity_profiles p2 left join identities i on i.profile_id = p2.id
              where p2.tenant_id = ${tenantId} group by p2.id) c
        where p.id = c.id and p.identity_count is distinct from c.n`.execute(db);
    },
  };
}

/**
 * A chunk's rows made into identities one at a time as they are iterated, each row let go once
 * made: an identity is then garbage as soon as it is evaluated, and dies young (parsing all of a
 * chunk first kept 2,500 identities alive across many minor collections, which then copied them).
 */
function* madeAsIterated(
  rows: Array<ChunkRow | undefined>,
  names: ReadonlyMap<string, string>,
  fingerprint: string | null,
  manager: ChunkManagers | undefined,
): Generator<IdentityForProcessing> {
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    rows[i] = undefined;
    yield toProcessingIdentity(row, names, fingerprint, manager);
  }
}

function toIdentity(r: {
  id: string;
  name: string;
  created: Date;
  modified: Date;
  alias: string | null;
  emailAddress: string | null;
  processingState: string | null;
  attributes: unknown;
  managerId: string | null;
  managerName: string | null;
  profileId: string | null;
  profileName: string | null;
  lastRefresh: Date | null;
  isManager: boolean;
  lifecycleState: string | null;
  lifecycleStateManual: boolean;
  identityState: string | null;
}): Identity {
  const attributes = (r.attributes ?? {}) as Record<string, unknown>;
  // a state set by hand is the identity's cloudLifecycleState, as ISC shows it; the stored
  // attribute keeps the computed value, which decides when the manual state ends (lifecycle.ts)
  if (r.lifecycleStateManual && r.lifecycleState) attributes.cloudLifecycleState = r.lifecycleState;
  return {
    id: r.id,
    name: r.name,
    created: r.created.toISOString(),
    modified: r.modified.toISOString(),
    alias: r.alias,
    emailAddress: r.emailAddress,
    processingState: (r.processingState as Identity['processingState']) ?? null,
    identityStatus: 'UNREGISTERED',
    managerRef:
      r.managerId && r.managerName !== null ? { type: 'IDENTITY', id: r.managerId, name: r.managerName } : null,
    isManager: r.isManager,
    lastRefresh: r.lastRefresh ? new Date(r.lastRefresh).toISOString() : null,
    attributes,
    identityProfile: r.profileId ? { id: r.profileId, name: r.profileName ?? '' } : null,
    lifecycleState: r.lifecycleState ? { stateName: r.lifecycleState, manuallyUpdated: r.lifecycleStateManual } : null,
    identityState: r.identityState,
  };
}
