import { CompiledQuery, sql, type Kysely } from 'kysely';
import type { StoredTransform, TransformRepository } from '../../domain/transforms/repository.js';
import { TRANSFORM_FILTERS } from '../../domain/transforms/schema.js';
import type { DB, TransformRow } from '../types.js';
import { listPage, withColumns, type Listing } from './collection.js';
import { missingTransformError, referencedTransformError, TRANSFORMS_REFERENCING } from './transform-references.js';

const LISTING: Listing = {
  fields: withColumns(TRANSFORM_FILTERS, { id: 'id', name: 'name', internal: 'internal' }),
  sortColumns: { id: 'id', name: 'name', type: 'type' },
  tiebreak: 'id',
};

const toTransform = (r: TransformRow): StoredTransform => ({
  id: r.id,
  name: r.name,
  type: r.type,
  attributes: (r.attributes ?? null) as StoredTransform['attributes'],
  internal: r.internal,
});

export function transformRepository(db: Kysely<DB>, tenantId = 'default'): TransformRepository {
  const base = () => db.selectFrom('transforms').selectAll().where('tenantId', '=', tenantId);
  const first = async (q: ReturnType<typeof base>) => {
    const r = await q.executeTakeFirst();
    return r ? toTransform(r) : undefined;
  };
  return {
    async list(query) {
      const { rows, total } = await listPage(
        query,
        LISTING,
        base(),
        db.selectFrom('transforms').where('tenantId', '=', tenantId),
      );
      return { items: rows.map(toTransform), total };
    },
    findById: (id, options) =>
      first(options?.forUpdate ? base().where('id', '=', id).forUpdate() : base().where('id', '=', id)),
    // name_key = lower(name), as stored by PostgreSQL (migration 0010: the unique index and the references' key)
    findByName: (name) => first(base().where(sql`name_key`, '=', sql`lower(${name}::text)`)),
    async all() {
      return (await base().orderBy('name').execute()).map(toTransform);
    },
    async insert(t) {
      await db
        .insertInto('transforms')
        .values({
          id: t.id,
          tenantId,
          name: t.name,
          type: t.type,
          attributes: t.attributes === null ? null : JSON.stringify(t.attributes),
          internal: t.internal,
        })
        .execute()
        .catch((e) => {
          throw missingTransformError(e, 'transform');
        });
    },
    async update(t) {
      await db
        .updateTable('transforms')
        .set({ attributes: t.attributes === null ? null : JSON.stringify(t.attributes), modified: new Date() })
        .where('id', '=', t.id)
        .where('tenantId', '=', tenantId)
        .execute()
        .catch((e) => {
          throw missingTransformError(e, 'transform');
        });
    },
    async delete(id) {
      await db
        .deleteFrom('transforms')
        .where('id', '=', id)
        .where('tenantId', '=', tenantId)
        .execute()
        .catch((e) => {
          throw referencedTransformError(e, id);
        });
    },
    async referencing(name) {
      return (
        await db.executeQuery<{ id: string; name: string }>(CompiledQuery.raw(TRANSFORMS_REFERENCING, [tenantId, name]))
      ).rows;
    },
  };
}
