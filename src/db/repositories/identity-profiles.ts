import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { IdentityProfileRepository } from '../../domain/identity-profiles/repository.js';
import { LIST_FILTERS, type IdentityProfile } from '../../domain/identity-profiles/schema.js';
import type { CollectionQuery } from '../../domain/shared/collection.js';
import type { DB, IdentityProfileRow } from '../types.js';
import { applyCollection, applyFilter, withColumns } from './collection.js';

const FIELDS = withColumns(LIST_FILTERS, { id: 'ip.id', name: 'ip.name', priority: 'ip.priority' });
const SORT_COLUMNS: Record<string, string> = {
  id: 'ip.id', name: 'ip.name', priority: 'ip.priority', created: 'ip.created', modified: 'ip.modified',
  'owner.id': 'ip.owner_id', 'owner.name': 'ip.owner_name',
};

type Row = IdentityProfileRow & { sourceName: string };

export function toIdentityProfile(r: Row): IdentityProfile {
  return {
    id: r.id,
    name: r.name,
    created: r.created.toISOString(),
    modified: r.modified.toISOString(),
    description: r.description,
    owner: r.ownerId ? { type: 'IDENTITY', id: r.ownerId, name: r.ownerName ?? '' } : null,
    priority: r.priority,
    authoritativeSource: { type: 'SOURCE', id: r.authoritativeSourceId, name: r.sourceName },
    identityRefreshRequired: r.identityRefreshRequired,
    identityCount: r.identityCount,
    identityAttributeConfig: r.identityAttributeConfig as IdentityProfile['identityAttributeConfig'],
    identityExceptionReportReference: (r.identityExceptionReportReference ?? null) as IdentityProfile['identityExceptionReportReference'],
    hasTimeBasedAttr: r.hasTimeBasedAttr,
  };
}

function toRow(p: IdentityProfile) {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    ownerType: p.owner ? 'IDENTITY' : null,
    ownerId: p.owner?.id ?? null,
    ownerName: p.owner?.name ?? null,
    priority: p.priority,
    authoritativeSourceId: p.authoritativeSource.id,
    identityAttributeConfig: JSON.stringify(p.identityAttributeConfig),
    identityExceptionReportReference: p.identityExceptionReportReference ? JSON.stringify(p.identityExceptionReportReference) : null,
    hasTimeBasedAttr: p.hasTimeBasedAttr,
    identityRefreshRequired: p.identityRefreshRequired,
    identityCount: p.identityCount,
    created: p.created,
    modified: p.modified,
  };
}

/** Identity profiles in table `identity_profiles` (joined with their source's current name). */
export function identityProfileRepository(db: Kysely<DB>, tenantId = 'default'): IdentityProfileRepository {
  const base = () =>
    db
      .selectFrom('identityProfiles as ip')
      .innerJoin('sources as s', 's.id', 'ip.authoritativeSourceId')
      .selectAll('ip')
      .select('s.name as sourceName')
      .where('ip.tenantId', '=', tenantId);
  const one = async (q: SelectQueryBuilder<any, any, Row>) => {
    const row = await q.executeTakeFirst();
    return row ? toIdentityProfile(row) : undefined;
  };

  return {
    async list(query: CollectionQuery) {
      const page = applyCollection(base() as any, query, FIELDS, SORT_COLUMNS, 'ip.id');
      const [rows, total] = await Promise.all([
        page.execute() as Promise<Row[]>,
        query.count ? countMatching(query) : undefined,
      ]);
      return { items: rows.map(toIdentityProfile), total };
    },
    findById: (id, options) => {
      let q = base().where('ip.id', '=', id);
      if (options?.forUpdate) q = q.forUpdate('ip');
      return one(q);
    },
    findByIds: async (ids) => (ids.length ? (await base().where('ip.id', 'in', [...ids]).execute()).map(toIdentityProfile) : []),
    findByName: (name) => one(base().where(sql`lower(ip.name)`, '=', name.toLowerCase())),
    findByAuthoritativeSource: (sourceId) => one(base().where('ip.authoritativeSourceId', '=', sourceId)),
    async maxPriority() {
      const r = await db.selectFrom('identityProfiles').select((eb) => eb.fn.max('priority').as('max')).where('tenantId', '=', tenantId).executeTakeFirst();
      return r?.max ?? null;
    },
    async insert(profile) {
      await db.insertInto('identityProfiles').values({ ...toRow(profile), tenantId }).execute();
    },
    async update(profile) {
      const { id, created, ...changes } = toRow(profile);
      await db.updateTable('identityProfiles').set(changes).where('id', '=', id).where('tenantId', '=', tenantId).execute();
    },
    async deleteByIds(ids) {
      if (!ids.length) return 0;
      const r = await db.deleteFrom('identityProfiles').where('id', 'in', [...ids]).where('tenantId', '=', tenantId).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
    async referencingTransform(name) {
      const rows = await db
        .selectFrom('identityProfiles')
        .select(['id', 'name'])
        .where('tenantId', '=', tenantId)
        .where(sql<boolean>`jsonb_path_exists(identity_attribute_config, '$.** ? (@.type == "reference" && @.attributes.id == $name)', jsonb_build_object('name', ${name}::text))`)
        .execute();
      return rows;
    },
  };

  async function countMatching(query: CollectionQuery): Promise<number> {
    let q = db.selectFrom('identityProfiles as ip').select((eb) => eb.fn.countAll<number>().as('n')).where('ip.tenantId', '=', tenantId);
    const r = await applyFilter(q, query, FIELDS).executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
