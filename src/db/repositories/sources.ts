import { sql, type Kysely } from 'kysely';
import type { SourceRepository } from '../../domain/sources/repository.js';
import { SOURCE_FILTERS, type Source } from '../../domain/sources/schema.js';
import type { DB, SourceRow } from '../types.js';
import { listPage, withColumns, type Listing } from './collection.js';

const LISTING: Listing = {
  fields: withColumns(SOURCE_FILTERS, {
    id: 'id',
    name: 'name',
    type: 'type',
    'owner.id': 'owner_id',
    description: 'description',
    created: 'created',
    modified: 'modified',
  }),
  sortColumns: {
    id: 'id',
    name: 'name',
    created: 'created',
    modified: 'modified',
    type: 'type',
    description: 'description',
    'owner.id': 'owner_id',
    'owner.name': 'owner_name',
  },
  tiebreak: 'id',
};

/**
 * The first key of a source's load lock (`lockForLoad`): a transaction-scoped advisory lock on two
 * int4 keys, this class and a hash of tenant and source id. Locks on one bigint key (INPUTS_LOCK)
 * are another key space, so they never meet; a hash collision only makes two sources' loads wait
 * for each other.
 */
const LOAD_LOCK_CLASS = 1_096_041_549;

export const toSource = (r: SourceRow): Source => ({
  id: r.id,
  name: r.name,
  description: r.description,
  owner: r.ownerId ? { type: 'IDENTITY', id: r.ownerId, name: r.ownerName ?? '' } : null,
  connector: r.connector,
  type: r.type,
  managerCorrelationMapping: (r.managerCorrelationMapping ?? null) as Source['managerCorrelationMapping'],
  accountIdColumn: r.accountIdColumn,
  accountNameColumn: r.accountNameColumn,
  accountAttributeNames: r.accountAttributeNames,
  deleteThreshold: r.deleteThreshold,
  created: r.created.toISOString(),
  modified: r.modified.toISOString(),
});

export function sourceRepository(db: Kysely<DB>, tenantId = 'default'): SourceRepository {
  const base = () => db.selectFrom('sources').selectAll().where('tenantId', '=', tenantId);
  const first = async (q: ReturnType<typeof base>) => {
    const row = await q.executeTakeFirst();
    return row ? toSource(row) : undefined;
  };
  return {
    async list(query) {
      const { rows, total } = await listPage(
        query,
        LISTING,
        base(),
        db.selectFrom('sources').where('tenantId', '=', tenantId),
      );
      return { items: rows.map(toSource), total };
    },
    findById: (id) => first(base().where('id', '=', id)),
    findByName: (name) => first(base().where(sql`lower(name)`, '=', name.toLowerCase())),
    async insert(s) {
      await db
        .insertInto('sources')
        .values({
          id: s.id,
          tenantId,
          name: s.name,
          description: s.description,
          ownerType: s.owner ? 'IDENTITY' : null,
          ownerId: s.owner?.id ?? null,
          ownerName: s.owner?.name ?? null,
          connector: s.connector,
          type: s.type,
          managerCorrelationMapping: s.managerCorrelationMapping ? JSON.stringify(s.managerCorrelationMapping) : null,
          accountIdColumn: s.accountIdColumn,
          accountNameColumn: s.accountNameColumn,
          accountAttributeNames: s.accountAttributeNames,
          deleteThreshold: s.deleteThreshold,
          created: s.created,
          modified: s.modified,
        })
        .execute();
    },
    async setDeleteThreshold(id, percent, modified) {
      await db
        .updateTable('sources')
        .set({ deleteThreshold: percent, modified })
        .where('id', '=', id)
        .where('tenantId', '=', tenantId)
        .execute();
    },
    async setAccountAttributeNames(id, names) {
      await db
        .updateTable('sources')
        .set({ accountAttributeNames: names, modified: new Date() })
        .where('id', '=', id)
        .where('tenantId', '=', tenantId)
        .execute();
    },
    async delete(id) {
      await db.deleteFrom('sources').where('id', '=', id).where('tenantId', '=', tenantId).execute();
    },
    async lockForLoad(id) {
      await sql`select pg_advisory_xact_lock(${LOAD_LOCK_CLASS}, hashtext(${`${tenantId}/${id}`}))`.execute(db);
    },
    async unfinishedLoad(id, exceptTaskId) {
      const row = await db
        .selectFrom('tasks')
        .select('id')
        .where('tenantId', '=', tenantId)
        .where('type', '=', 'CLOUD_ACCOUNT_AGGREGATION')
        .where('completed', 'is', null)
        .where(sql`target->>'id'`, '=', id)
        .where(sql`result->'applied'`, 'is not', null)
        .where('id', '<>', exceptTaskId)
        .orderBy('launched')
        .limit(1)
        .executeTakeFirst();
      return row?.id;
    },
  };
}
