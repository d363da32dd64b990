import { CompiledQuery, sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import { AppError } from '../../errors.js';
import { batchedLookup } from '../batched-lookup.js';
import { prepared, preparedShape } from '../database.js';
import type { IdentityProfileRepository, VersionedProfile } from '../../domain/identity-profiles/repository.js';
import { LIST_FILTERS, type IdentityProfile } from '../../domain/identity-profiles/schema.js';
import type { CollectionQuery } from '../../domain/shared/collection.js';
import type { DB, IdentityProfileRow } from '../types.js';
import { countMatching, filterCondition, sortTerms, withColumns, type Listing } from './collection.js';
import { PROFILE_JSON_SQL } from './identity-profile-json.js';
import { TENANT_FILTER, toRow, versionedWriter, type BaseVersion } from './identity-profile-writes.js';
import { missingTransformError, PROFILES_REFERENCING } from './transform-references.js';

const LISTING: Listing = {
  fields: withColumns(LIST_FILTERS, { id: 'ip.id', name: 'ip.name', priority: 'ip.priority' }),
  sortColumns: {
    id: 'ip.id',
    name: 'ip.name',
    priority: 'ip.priority',
    created: 'ip.created',
    modified: 'ip.modified',
    'owner.id': 'ip.owner_id',
    'owner.name': 'ip.owner_name',
  },
  tiebreak: 'ip.id',
};

type Row = Omit<IdentityProfileRow, 'tenantId' | 'lastProcessed' | 'jsonHead' | 'jsonTail'> & { sourceName: string };

/** The columns `toIdentityProfile` reads, under the names it reads (for SQL run without the camel-case plugin). */
const PROFILE_COLUMNS = `ip.id, ip.name, ip.description, ip.owner_id as "ownerId", ip.owner_name as "ownerName", ip.priority,
  ip.authoritative_source_id as "authoritativeSourceId", s.name as "sourceName",
  ip.identity_attribute_config as "identityAttributeConfig", ip.identity_exception_report_reference as "identityExceptionReportReference",
  ip.has_time_based_attr as "hasTimeBasedAttr", ip.identity_refresh_required as "identityRefreshRequired",
  ip.identity_count as "identityCount", ip.created, ip.modified`;
const BY_ID_SQL = `select ${PROFILE_COLUMNS} from identity_profiles ip join sources s on s.id = ip.authoritative_source_id where ip.tenant_id = $1 and ip.id = $2`;
/** Constant SQL, prepared once per connection (the locking PATCH reads with it). */
const BY_ID = prepared('identity_profile_by_id', BY_ID_SQL);
/**
 * Profiles by id as the API's JSON text (see identity-profile-json.ts) with their version (`xmin`):
 * GET by id, and PATCH's read. Concurrent calls share one query (see batchedLookup).
 */
export const JSON_BY_IDS = prepared(
  'identity_profiles_json_by_ids',
  `select ip.id, ${PROFILE_JSON_SQL} as json, ip.xmin::text as v from identity_profiles ip
  join sources s on s.id = ip.authoritative_source_id where ip.id = any($2::text[]) and ${TENANT_FILTER}`,
);
type VersionedJsonRow = { id: string; json: string; v: string };
const BY_ID_FOR_UPDATE = prepared('identity_profile_by_id_for_update', `${BY_ID_SQL} for update of ip`);
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
    identityExceptionReportReference: (r.identityExceptionReportReference ??
      null) as IdentityProfile['identityExceptionReportReference'],
    hasTimeBasedAttr: r.hasTimeBasedAttr,
  };
}

/**
 * A page of profiles, each row one profile's API JSON (`json`, put together in the database: see
 * PROFILE_JSON_SQL) with the number of matching rows (`total`, when counting): the page's ids first
 * (filter, sort, paging and the total on the narrow rows), then the stored JSON of those rows only.
 * (One `string_agg` of the page instead of a row per profile cost PostgreSQL ~0.18 ms more per
 * page of 50: pgbench, 0.67-0.74 vs 0.47-0.50 ms.) The compiled text depends only on the filter's
 * form and the sorters (values are parameters), so it runs as a named prepared statement, parsed
 * and planned once per connection; `sw` is an index range (query/prefix.ts), which the generic
 * plan can use. Written with Kysely's `sql` tag around the compiled filter and sort terms, not with
 * the query builder: built by the builder (and the camel-case plugin) this hot statement cost
 * ~0.3 ms more CPU per list, twice what the whole list took in Node (~20 µs with the tag).
 */
function listStatement(db: Kysely<DB>, query: CollectionQuery, tenantId: string): CompiledQuery {
  const order = sortTerms(query, LISTING);
  const filter = filterCondition(query, LISTING.fields);
  const statement = sql`select ${sql.raw(PROFILE_JSON_SQL)} as json${query.count ? sql`, page.total` : sql``}
    from (select ip.id${query.count ? sql`, count(*) over () as total` : sql``} from identity_profiles ip
      where ip.tenant_id = ${tenantId}${filter ? sql` and ${filter}` : sql``} order by ${order} limit ${query.limit} offset ${query.offset}) page
    join identity_profiles ip on ip.id = page.id join sources s on s.id = ip.authoritative_source_id order by ${order}`.compile(
    db,
  );
  return CompiledQuery.raw(preparedShape('identity_profiles_list', statement.sql), [...statement.parameters]);
}

/**
 * How many profiles' last versions a repository keeps for `updateWithoutReading` (each ~2 kB: the
 * profile as read or written); the one least recently read or written goes first.
 */
const KNOWN_VERSIONS = 5_000;

/** A value the database refuses (SQLSTATE class 22, data exception: e.g. a NUL in an id): one caller's input, not the batch's. */
const refusedValue = (e: unknown) =>
  typeof (e as { code?: unknown })?.code === 'string' && (e as { code: string }).code.startsWith('22');

/** A write whose mappings reference a transform deleted since they were checked: the 400 the check gives. */
const referenceLost = (e: unknown): never => {
  throw missingTransformError(e, 'identity attribute mapping');
};

/** Identity profiles in table `identity_profiles` (joined with their source's current name). */
export function identityProfileRepository(db: Kysely<DB>, tenantId = 'default'): IdentityProfileRepository {
  let withoutPlugins: Kysely<DB> | undefined;
  /** Runs hand-written SQL whose columns already carry the names `toIdentityProfile` reads. */
  const raw = (query: CompiledQuery) => (withoutPlugins ??= db.withoutPlugins()).executeQuery<Row>(query);
  const base = () =>
    db
      .selectFrom('identityProfiles as ip')
      .innerJoin('sources as s', 's.id', 'ip.authoritativeSourceId')
      // the columns toIdentityProfile reads (not the stored JSON parts)
      .select([
        'ip.id',
        'ip.name',
        'ip.description',
        'ip.ownerType',
        'ip.ownerId',
        'ip.ownerName',
        'ip.priority',
        'ip.authoritativeSourceId',
        'ip.identityAttributeConfig',
        'ip.identityExceptionReportReference',
        'ip.hasTimeBasedAttr',
        'ip.identityRefreshRequired',
        'ip.identityCount',
        'ip.created',
        'ip.modified',
        's.name as sourceName',
      ])
      .where('ip.tenantId', '=', tenantId);
  const jsonRows = async (ids: string[]) =>
    (await raw(CompiledQuery.raw(JSON_BY_IDS, [tenantId, ids]))).rows as unknown as VersionedJsonRow[];
  /** Outside a transaction, reads by id made in one turn (GETs, PATCHes) share one query (see batchedLookup). */
  const batched = db.isTransaction
    ? undefined
    : batchedLookup(async (ids: string[]) => new Map((await jsonRows(ids)).map((r) => [r.id, r])), 200, refusedValue);
  // an id no row can have (a NUL: text cannot hold one) is looked up alone, so its 400 is its own
  const jsonRow = async (id: string) => (batched && !id.includes('\u0000') ? batched(id) : (await jsonRows([id]))[0]);
  /** Outside a transaction, the writes made in one turn share one statement and one commit (see versionedWriter). */
  let write: ReturnType<typeof versionedWriter> | undefined;
  /**
   * The version of each profile this repository last read or wrote (outside a transaction only):
   * the base `updateWithoutReading` writes on, never an answer. Another process, or a transaction,
   * may have written the row since; the write's version check then refuses it.
   */
  const known = db.isTransaction ? undefined : new Map<string, VersionedProfile & BaseVersion>();
  const remember = (v: VersionedProfile & BaseVersion) => {
    if (!known) return;
    known.delete(v.profile.id);
    if (known.size >= KNOWN_VERSIONS) known.delete(known.keys().next().value!);
    known.set(v.profile.id, v);
  };
  const one = async (q: SelectQueryBuilder<any, any, Row>) => {
    const row = await q.executeTakeFirst();
    return row ? toIdentityProfile(row) : undefined;
  };

  const repository: IdentityProfileRepository = {
    /** The page `listJson` writes, as objects: one statement for both (export reads the objects). */
    async list(query: CollectionQuery) {
      const { json, total } = await repository.listJson(query);
      return { items: JSON.parse(json) as IdentityProfile[], ...(total === undefined ? {} : { total }) };
    },
    async listJson(query: CollectionQuery) {
      const { rows } = await raw(listStatement((withoutPlugins ??= db.withoutPlugins()), query, tenantId));
      const page = rows as unknown as Array<{ json: string; total?: number }>;
      return { json: `[${page.map((r) => r.json).join(',')}]`, ...(await totalOf(page, query)) };
    },
    async findById(id, options) {
      const { rows } = await raw(CompiledQuery.raw(options?.forUpdate ? BY_ID_FOR_UPDATE : BY_ID, [tenantId, id]));
      return rows.length ? toIdentityProfile(rows[0]) : undefined;
    },
    findJsonById: async (id) => (await jsonRow(id))?.json,
    findByIds: async (ids) =>
      ids.length
        ? (
            await base()
              .where('ip.id', 'in', [...ids])
              .execute()
          ).map(toIdentityProfile)
        : [],
    findByName: (name) => one(base().where(sql`lower(ip.name)`, '=', name.toLowerCase())),
    findByAuthoritativeSource: (sourceId) => one(base().where('ip.authoritativeSourceId', '=', sourceId)),
    async maxPriority() {
      const r = await db
        .selectFrom('identityProfiles')
        .select((eb) => eb.fn.max('priority').as('max'))
        .where('tenantId', '=', tenantId)
        .executeTakeFirst();
      return r?.max ?? null;
    },
    async insert(profile) {
      await db
        .insertInto('identityProfiles')
        .values({ ...toRow(profile), tenantId })
        .execute()
        .catch(referenceLost);
    },
    async findVersioned(id) {
      const row = await jsonRow(id);
      if (!row) return undefined;
      // the profile as GET answers it: the stored JSON, which every write keeps equal to the columns
      const read = { profile: JSON.parse(row.json) as IdentityProfile, version: row.v };
      remember(read);
      return read;
    },
    async update(profile, options) {
      write ??= versionedWriter(raw, tenantId, { batched: !db.isTransaction });
      const version = options?.ifVersion;
      const held = version === undefined ? undefined : known?.get(profile.id);
      // the version as this repository holds it, whose stored tail the write may keep (see versionedWriter)
      const base = version === undefined ? undefined : held?.version === version ? held : { version };
      const written = await write(profile, base, options?.audit).catch(referenceLost);
      if (written) remember(written);
      else if (held && held === base) known!.delete(profile.id);
      return written && { profile: written.profile, version: written.version };
    },
    async updateWithoutReading(id, change, audit) {
      const base = known?.get(id);
      if (!base) return undefined;
      let changed: IdentityProfile | undefined;
      try {
        changed = await change(base.profile);
      } catch (e) {
        // refused (a 4xx) on a version that may be outdated: the caller decides on a read
        if (e instanceof AppError && e.status < 500) return undefined;
        throw e;
      }
      return changed && repository.update(changed, { ifVersion: base.version, audit });
    },
    async deleteByIds(ids) {
      if (!ids.length) return 0;
      const r = await db
        .deleteFrom('identityProfiles')
        .where('id', 'in', [...ids])
        .where('tenantId', '=', tenantId)
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },
    async referencingTransform(name) {
      return (await raw(CompiledQuery.raw(PROFILES_REFERENCING, [tenantId, name]))).rows as unknown as Array<{
        id: string;
        name: string;
      }>;
    },
  };
  return repository;

  /** `{ total }` when counting; an empty page (limit 0, or past the end) still reports how many there are. */
  async function totalOf(rows: Array<{ total?: number }>, query: CollectionQuery): Promise<{ total?: number }> {
    if (!query.count) return {};
    if (rows.length) return { total: Number(rows[0].total) };
    if (query.offset === 0 && query.limit > 0) return { total: 0 };
    return {
      total: await countMatching(
        db.selectFrom('identityProfiles as ip').where('ip.tenantId', '=', tenantId),
        query,
        LISTING.fields,
      ),
    };
  }
}
