import { sql, type Kysely } from 'kysely';
import type { IdentityRepository } from '../../domain/identities/repository.js';
import { IDENTITY_FILTERS, type Identity } from '../../domain/identities/schema.js';
import type { DB } from '../types.js';
import { applyCollection, applyFilter, withColumns } from './collection.js';
import { chunkQuery, toProcessingIdentity } from './chunk-sql.js';
import * as Q from './identity-sql.js';

const FIELDS = withColumns(IDENTITY_FILTERS, {
  id: 'i.id', name: 'i.name', alias: 'i.alias', emailAddress: 'i.email_address', processingState: 'i.processing_state',
  identityProfileId: 'i.profile_id', correlated: 'i.correlated',
});
const SORT_COLUMNS = { name: 'i.name', alias: 'i.alias', id: 'i.id', created: 'i.created', modified: 'i.modified' };

export function identityRepository(db: Kysely<DB>, tenantId = 'default'): IdentityRepository {
  /** Identities with the derived columns ISC filters on (alias = uid, emailAddress = email). */
  const view = () =>
    db.selectFrom(
      db.selectFrom('identities').selectAll()
        .select(sql<string | null>`attributes->>'uid'`.as('alias'))
        .select(sql<string | null>`attributes->>'email'`.as('emailAddress'))
        .select(sql<boolean>`exists (select 1 from accounts a where a.identity_id = identities.id)`.as('correlated'))
        .where('tenantId', '=', tenantId)
        .as('i'),
    );
  const base = () =>
    view()
      .leftJoin('identities as m', 'm.id', 'i.managerId')
      .leftJoin('identityProfiles as p', 'p.id', 'i.profileId')
      .select(['i.id', 'i.name', 'i.created', 'i.modified', 'i.alias', 'i.emailAddress', 'i.processingState', 'i.attributes', 'i.managerId', 'm.name as managerName', 'i.profileId', 'p.name as profileName'])
      .select(sql<Date | null>`greatest(i.last_refresh, p.last_processed)`.as('lastRefresh'))
      .select(sql<boolean>`exists (select 1 from identities r where r.manager_id = i.id)`.as('isManager'));

  return {
    async list(query) {
      const rows = await applyCollection(base(), query, FIELDS, SORT_COLUMNS, 'i.id').execute();
      let total: number | undefined;
      if (query.count) total = Number((await applyFilter(view().select((eb) => eb.fn.countAll<number>().as('n')), query, FIELDS).executeTakeFirstOrThrow()).n);
      return { items: rows.map(toIdentity), total };
    },
    async findById(id) {
      const row = await base().where('i.id', '=', id).executeTakeFirst();
      return row ? toIdentity(row) : undefined;
    },
    async findForProcessing(id) {
      const [row] = (await chunkQuery(tenantId, { id }, { managerAttributes: true }).execute(db)).rows;
      return row ? toProcessingIdentity(row) : undefined;
    },
    async loadChunk(profileId, range, options = {}) {
      const identities = (await chunkQuery(tenantId, { profileId, ...range }, options).execute(db)).rows.map(toProcessingIdentity);
      if (!options.fingerprint) return { identities, inRange: identities.length };
      const counted = await db.selectFrom('identities').select((eb) => eb.fn.countAll<number>().as('n'))
        .where('tenantId', '=', tenantId).where('profileId', '=', profileId).where('id', '>=', range.firstId).where('id', '<=', range.lastId)
        .executeTakeFirstOrThrow();
      return { identities, inRange: Number(counted.n) };
    },
    async writeFingerprints(entries) {
      if (!entries.length) return;
      await sql`update identities i set input_fingerprint = x.fp from unnest(${entries.map((e) => e.id)}::text[], ${entries.map((e) => e.fingerprint)}::text[]) as x(id, fp) where i.id = x.id`.execute(db);
    },
    async chunkBounds(profileId, size) {
      const rows = await sql<{ firstId: string; lastId: string; count: number }>`
        select min(id) as first_id, max(id) as last_id, count(*)::int as count from (
          select id, (row_number() over (order by id) - 1) / ${size}::int as chunk
          from identities where tenant_id = ${tenantId} and profile_id = ${profileId}) c
        group by chunk order by chunk`.execute(db);
      return rows.rows;
    },
    async writeAttributes(changes) {
      if (!changes.length) return;
      const rows = changes.map((c) => ({ id: c.id, attributes: c.attributes, processing_state: c.processingState, set_manager: c.managerId !== undefined, manager_id: c.managerId ?? null, fingerprint: c.fingerprint ?? null }));
      await sql`
        update identities i set attributes = x.attributes, modified = now(), last_refresh = now(), processing_state = x.processing_state,
          manager_id = case when x.set_manager then x.manager_id else i.manager_id end, input_fingerprint = x.fingerprint
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
          as x(id text, attributes jsonb, processing_state text, set_manager boolean, manager_id text, fingerprint text)
        where i.id = x.id`.execute(db);
    },
    correlateManagers: (profileId, sourceId, mapping, since) => Q.correlateManagers(db, tenantId, profileId, sourceId, mapping, since),
    async markProfileProcessed(profileId, at) {
      await db.updateTable('identityProfiles').set({ lastProcessed: at }).where('id', '=', profileId).execute();
    },
    formIdentities: (sourceId) => Q.formIdentities(db, tenantId, sourceId),
    correlateAccounts: (sourceId) => Q.correlateAccounts(db, tenantId, sourceId),
    assignProfiles: (sourceIds) => Q.assignProfiles(db, tenantId, sourceIds),
    async removeOrphans() {
      const r = await sql`delete from identities i where i.tenant_id = ${tenantId} and not exists (select 1 from accounts a where a.identity_id = i.id)`.execute(db);
      return Number(r.numAffectedRows ?? 0);
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

function toIdentity(r: {
  id: string; name: string; created: Date; modified: Date; alias: string | null; emailAddress: string | null; processingState: string | null;
  attributes: unknown; managerId: string | null; managerName: string | null; profileId: string | null; profileName: string | null;
  lastRefresh: Date | null; isManager: boolean;
}): Identity {
  return {
    id: r.id, name: r.name, created: r.created.toISOString(), modified: r.modified.toISOString(),
    alias: r.alias, emailAddress: r.emailAddress, processingState: (r.processingState as Identity['processingState']) ?? null,
    identityStatus: 'UNREGISTERED',
    managerRef: r.managerId ? { type: 'IDENTITY', id: r.managerId, name: r.managerName ?? '' } : null,
    isManager: r.isManager, lastRefresh: r.lastRefresh ? new Date(r.lastRefresh).toISOString() : null,
    attributes: (r.attributes ?? {}) as Record<string, unknown>,
    identityProfile: r.profileId ? { id: r.profileId, name: r.profileName ?? '' } : null,
    lifecycleState: null,
  };
}
