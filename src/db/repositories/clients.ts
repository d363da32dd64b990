import type { Kysely } from 'kysely';
import type { ApiClient, ApiClientRepository } from '../../domain/clients/repository.js';
import type { ApiClientRow, DB } from '../types.js';

const toClient = (r: ApiClientRow): ApiClient => ({
  id: r.id,
  name: r.name,
  secretHash: r.secretHash,
  authorities: r.authorities,
  scopes: r.scopes,
  created: r.created,
  revokedAt: r.revokedAt,
});

export function apiClientRepository(db: Kysely<DB>, tenantId = 'default'): ApiClientRepository {
  const values = (c: ApiClient) => ({
    id: c.id,
    tenantId,
    name: c.name,
    secretHash: c.secretHash,
    authorities: c.authorities,
    scopes: c.scopes,
    created: c.created,
    revokedAt: c.revokedAt,
  });
  return {
    async insert(c) {
      await db.insertInto('apiClients').values(values(c)).execute();
    },
    async upsert(c) {
      const { name, secretHash, authorities, scopes } = values(c);
      await db
        .insertInto('apiClients')
        .values(values(c))
        .onConflict((oc) => oc.column('id').doUpdateSet({ name, secretHash, authorities, scopes }))
        .execute();
    },
    async findById(id) {
      const r = await db
        .selectFrom('apiClients')
        .selectAll()
        .where('id', '=', id)
        .where('tenantId', '=', tenantId)
        .executeTakeFirst();
      return r ? toClient(r) : undefined;
    },
    async list() {
      return (
        await db.selectFrom('apiClients').selectAll().where('tenantId', '=', tenantId).orderBy('created').execute()
      ).map(toClient);
    },
    async revoke(id, at) {
      const r = await db
        .updateTable('apiClients')
        .set({ revokedAt: at })
        .where('id', '=', id)
        .where('revokedAt', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
  };
}
