import { sql, type Kysely } from 'kysely';
import type { StoredTransform, TransformRepository } from '../../domain/transforms/repository.js';
import type { DB, TransformRow } from '../types.js';

const toTransform = (r: TransformRow): StoredTransform => ({
  id: r.id, name: r.name, type: r.type, attributes: (r.attributes ?? null) as StoredTransform['attributes'], internal: r.internal,
});

export function transformRepository(db: Kysely<DB>, tenantId = 'default'): TransformRepository {
  return {
    async findByName(name) {
      const r = await db.selectFrom('transforms').selectAll().where('tenantId', '=', tenantId).where(sql`lower(name)`, '=', name.toLowerCase()).executeTakeFirst();
      return r ? toTransform(r) : undefined;
    },
    async all() {
      return (await db.selectFrom('transforms').selectAll().where('tenantId', '=', tenantId).orderBy('name').execute()).map(toTransform);
    },
  };
}
