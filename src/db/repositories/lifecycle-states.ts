import { sql, type Kysely, type Selectable } from 'kysely';
import type { LifecycleStateListQuery, LifecycleStateRepository } from '../../domain/lifecycle-states/repository.js';
import type { LifecycleState, LifecycleStateWithCount } from '../../domain/lifecycle-states/model.js';
import type { DB, LifecycleStatesTable } from '../types.js';

type Row = Selectable<LifecycleStatesTable>;

const SORT_COLUMNS: Record<LifecycleStateListQuery['sorters'][number]['field'], string> = {
  name: 'ls.name',
  priority: 'ls.priority',
  created: 'ls.created',
  modified: 'ls.modified',
};

/** The profile's identities in the state: an index-only count on the partial index of migration 0012. */
const IDENTITY_COUNT = sql<number>`(select count(*)::int from identities i
  where i.profile_id = ls.profile_id and i.lifecycle_state = ls.technical_name)`;

const NOTIFY_DEFAULT = {
  notifyManagers: false,
  notifyAllAdmins: false,
  notifySpecificUsers: false,
  emailAddressList: [],
};

function toState(r: Row): LifecycleState {
  return {
    id: r.id,
    profileId: r.profileId,
    name: r.name,
    technicalName: r.technicalName,
    enabled: r.enabled,
    description: r.description,
    identityState: r.identityState,
    priority: r.priority,
    emailNotificationOption: (r.emailNotificationOption ?? NOTIFY_DEFAULT) as LifecycleState['emailNotificationOption'],
    accountActions: (r.accountActions ?? []) as LifecycleState['accountActions'],
    accessProfileIds: (r.accessProfileIds ?? []) as string[],
    accessActionConfiguration: (r.accessActionConfiguration ?? {
      removeAllAccessEnabled: false,
    }) as LifecycleState['accessActionConfiguration'],
    created: r.created.toISOString(),
    modified: r.modified.toISOString(),
  };
}

const withCount = (r: Row & { identityCount: number }): LifecycleStateWithCount => ({
  ...toState(r),
  identityCount: Number(r.identityCount),
});

/** The columns written from a state (all but the tenant). */
function values(s: LifecycleState) {
  return {
    name: s.name,
    enabled: s.enabled,
    description: s.description,
    identityState: s.identityState,
    priority: s.priority,
    emailNotificationOption: JSON.stringify(s.emailNotificationOption),
    accountActions: JSON.stringify(s.accountActions),
    accessProfileIds: JSON.stringify(s.accessProfileIds),
    accessActionConfiguration: JSON.stringify(s.accessActionConfiguration),
    modified: s.modified,
  };
}

export function lifecycleStateRepository(db: Kysely<DB>, tenantId = 'default'): LifecycleStateRepository {
  const base = () => db.selectFrom('lifecycleStates as ls').selectAll('ls').where('ls.tenantId', '=', tenantId);
  const counted = () => base().select(IDENTITY_COUNT.as('identityCount'));
  return {
    async list(profileId, query) {
      let q = counted().where('ls.profileId', '=', profileId);
      for (const s of query.sorters) {
        const column = sql.ref(SORT_COLUMNS[s.field]);
        q =
          s.field === 'name'
            ? q.orderBy(sql`lower(${column})`, s.direction)
            : // ISC: "Lower numbers appear first"; states without a priority after those with one, either way
              s.field === 'priority'
              ? q.orderBy(sql`${column} ${sql.raw(s.direction)} nulls last`)
              : q.orderBy(column, s.direction);
      }
      const rows = await q.orderBy('ls.id').limit(query.limit).offset(query.offset).execute();
      let total: number | undefined;
      if (query.count) {
        const r = await db
          .selectFrom('lifecycleStates')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('tenantId', '=', tenantId)
          .where('profileId', '=', profileId)
          .executeTakeFirstOrThrow();
        total = Number(r.n);
      }
      return { items: rows.map(withCount), total };
    },
    async allOf(profileId) {
      const rows = await base()
        .where('ls.profileId', '=', profileId)
        .orderBy(sql`ls.priority asc nulls last`)
        .orderBy(sql`lower(ls.name)`)
        .orderBy('ls.id')
        .execute();
      return rows.map(toState);
    },
    async byTechnicalName(profileIds) {
      const out = new Map<string, Map<string, LifecycleState>>(profileIds.map((id) => [id, new Map()]));
      if (profileIds.length === 0) return out;
      const rows = await base()
        .where('ls.profileId', 'in', [...new Set(profileIds)])
        .execute();
      for (const r of rows) out.get(r.profileId)!.set(r.technicalName.toLowerCase(), toState(r));
      return out;
    },
    async findById(id, options) {
      let q = counted().where('ls.id', '=', id);
      if (options?.profileId !== undefined) q = q.where('ls.profileId', '=', options.profileId);
      // a PATCH changes no key: FOR NO KEY UPDATE does not conflict with lockStates' KEY SHARE; a delete's FOR UPDATE does
      if (options?.lock === 'update') q = q.forNoKeyUpdate();
      if (options?.lock === 'delete') q = q.forUpdate();
      const r = await q.executeTakeFirst();
      return r ? withCount(r) : undefined;
    },
    async lockStates(profileId) {
      await db
        .selectFrom('lifecycleStates')
        .select('id')
        .where('tenantId', '=', tenantId)
        .where('profileId', '=', profileId)
        .forKeyShare()
        .execute();
    },
    async findByTechnicalName(profileId, technicalName) {
      const r = await base()
        .where('ls.profileId', '=', profileId)
        .where(sql`lower(ls.technical_name)`, '=', sql`lower(${technicalName}::text)`)
        .executeTakeFirst();
      return r ? toState(r) : undefined;
    },
    async identityCounts(profileId) {
      const rows = await db
        .selectFrom('lifecycleStates as ls')
        .select(['ls.id', IDENTITY_COUNT.as('n')])
        .where('ls.tenantId', '=', tenantId)
        .where('ls.profileId', '=', profileId)
        .execute();
      return new Map(rows.map((r) => [r.id, Number(r.n)]));
    },
    async insert(states) {
      if (states.length === 0) return;
      await db
        .insertInto('lifecycleStates')
        .values(
          states.map((s) => ({
            ...values(s),
            id: s.id,
            tenantId,
            profileId: s.profileId,
            technicalName: s.technicalName,
            created: s.created,
          })),
        )
        .execute();
    },
    async update(s) {
      await db
        .updateTable('lifecycleStates')
        .set(values(s))
        .where('id', '=', s.id)
        .where('profileId', '=', s.profileId)
        .where('tenantId', '=', tenantId)
        .execute();
    },
    async delete(profileId, id) {
      const r = await db
        .deleteFrom('lifecycleStates')
        .where('id', '=', id)
        .where('profileId', '=', profileId)
        .where('tenantId', '=', tenantId)
        .executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
  };
}
