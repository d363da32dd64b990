import { sql, type Kysely } from 'kysely';
import type { AccountRepository, AccountStateChange } from '../../domain/accounts/repository.js';
import { ACCOUNT_FILTERS, type Account } from '../../domain/accounts/schema.js';
import type { DB } from '../types.js';
import { listPage, withColumns, type Listing } from './collection.js';
import { upsertPlaced } from './load-apply-sql.js';
import * as Preview from './load-preview-sql.js';

const LISTING: Listing = {
  fields: withColumns(ACCOUNT_FILTERS, {
    id: 'a.id',
    identityId: 'a.identity_id',
    sourceId: 'a.source_id',
    name: 'a.name',
    nativeIdentity: 'a.native_identity',
    uncorrelated: 'a.uncorrelated',
    disabled: 'a.disabled',
    created: 'a.created',
    modified: 'a.modified',
    hasEntitlements: 'a.has_entitlements',
    manuallyCorrelated: 'a.manually_correlated',
  }),
  sortColumns: {
    id: 'a.id',
    name: 'a.name',
    created: 'a.created',
    modified: 'a.modified',
    nativeIdentity: 'a.native_identity',
    sourceId: 'a.source_id',
    identityId: 'a.identity_id',
  },
  tiebreak: 'a.id',
};

interface Row {
  id: string;
  name: string;
  created: Date;
  modified: Date;
  sourceId: string;
  sourceName: string;
  identityId: string | null;
  nativeIdentity: string;
  attributes: Record<string, unknown>;
  authoritative: boolean;
  disabled: boolean;
}

const toAccount = (r: Row): Account => ({
  id: r.id,
  name: r.name,
  created: r.created.toISOString(),
  modified: r.modified.toISOString(),
  sourceId: r.sourceId,
  sourceName: r.sourceName,
  identityId: r.identityId,
  nativeIdentity: r.nativeIdentity,
  uuid: null,
  description: null,
  authoritative: r.authoritative,
  uncorrelated: r.identityId === null,
  disabled: r.disabled,
  locked: false,
  systemAccount: false,
  manuallyCorrelated: false,
  hasEntitlements: false,
  attributes: r.attributes,
});

export function accountRepository(db: Kysely<DB>, tenantId = 'default'): AccountRepository {
  // derived fields, exposed as columns for filtering: `uncorrelated`; and what accounts.v1 filters
  // on that this server has none of (entitlements, manual correlation): always false
  const accounts = () =>
    db
      .selectFrom('accounts')
      .selectAll()
      .select(sql<boolean>`identity_id is null`.as('uncorrelated'))
      .select(sql<boolean>`false`.as('hasEntitlements'))
      .select(sql<boolean>`false`.as('manuallyCorrelated'))
      .where('tenantId', '=', tenantId)
      .as('a');
  const base = () =>
    db
      .selectFrom(accounts())
      .innerJoin('sources as s', 's.id', 'a.sourceId')
      .select([
        'a.id',
        'a.name',
        'a.created',
        'a.modified',
        'a.sourceId',
        's.name as sourceName',
        'a.identityId',
        'a.nativeIdentity',
        'a.attributes',
        'a.disabled',
      ])
      .select(
        sql<boolean>`exists (select 1 from identity_profiles p where p.authoritative_source_id = a.source_id)`.as(
          'authoritative',
        ),
      );

  return {
    async list(query) {
      const { rows, total } = await listPage(query, LISTING, base(), db.selectFrom(accounts()));
      return { items: (rows as Row[]).map(toAccount), total };
    },
    async findById(id) {
      const row = (await base().where('a.id', '=', id).executeTakeFirst()) as Row | undefined;
      return row ? toAccount(row) : undefined;
    },
    async setDisabled(selector, disabled) {
      // the selected rows locked first (in id order: two callers never lock in opposite orders),
      // then only those that differ written — an account already so is not touched
      const which =
        'accountIds' in selector
          ? sql`a.id = any(${[...selector.accountIds]}::text[])`
          : sql`a.identity_id = ${selector.identityId}
            ${selector.sourceIds ? sql`and a.source_id = any(${[...selector.sourceIds]}::text[])` : sql``}
            ${selector.excludeSourceIds?.length ? sql`and a.source_id <> all(${[...selector.excludeSourceIds]}::text[])` : sql``}`;
      const r = await sql<AccountStateChange>`
        with selected as (
          select a.id, a.name, a.source_id, a.identity_id, a.disabled from accounts a
          where a.tenant_id = ${tenantId} and ${which}
          order by a.id for update
        ), written as (
          -- modified stays: processing may read it (accountSortAttribute), disabled it never reads (migration 0011)
          update accounts a set disabled = ${disabled}
          from selected s where a.id = s.id and s.disabled <> ${disabled}
          returning a.id
        )
        select s.id, s.name, s.source_id, s.identity_id, (w.id is not null) as changed
        from selected s left join written w on w.id = s.id order by s.id`.execute(db);
      return r.rows;
    },
    async anyOnSource(sourceId) {
      return !!(await db
        .selectFrom('accounts')
        .select('id')
        .where('sourceId', '=', sourceId)
        .limit(1)
        .executeTakeFirst());
    },
    async stage(taskId, rows) {
      const inserted = await sql<{ nativeIdentity: string }>`
        insert into account_load_rows (task_id, native_identity, line_no, name, attributes)
        select ${taskId}, x.native_identity, x.line_no, x.name, x.attributes
        from jsonb_to_recordset(${JSON.stringify(rows.map((r) => ({ native_identity: r.nativeIdentity, line_no: r.lineNo, name: r.name, attributes: r.attributes })))}::jsonb)
          as x(native_identity text, line_no integer, name text, attributes jsonb)
        on conflict (task_id, native_identity) do nothing
        returning native_identity`.execute(db);
      const fresh = new Set(inserted.rows.map((r) => r.nativeIdentity));
      return new Set(rows.map((r) => r.nativeIdentity).filter((n) => !fresh.has(n)));
    },
    async stagedLine(taskId, nativeIdentity) {
      const r = await db
        .selectFrom('accountLoadRows')
        .select('lineNo')
        .where('taskId', '=', taskId)
        .where('nativeIdentity', '=', nativeIdentity)
        .executeTakeFirst();
      return r?.lineNo;
    },
    async removeMissing(taskId, sourceId, after, limit) {
      // the next `limit` of the source's accounts in native identity order (its unique index);
      // those the file does not name go
      const r = await sql<{ through: string | null; removed: number; identityIds: string[] }>`
        with examined as (
          select a.id, a.native_identity from accounts a
          where a.source_id = ${sourceId} ${after === null ? sql`` : sql`and a.native_identity > ${after}`}
          order by a.native_identity ${limit === undefined ? sql`` : sql`limit ${limit}`}
        ), gone as (
          delete from accounts a using examined e
          where a.id = e.id and not exists (select 1 from account_load_rows r where r.task_id = ${taskId} and r.native_identity = e.native_identity)
          returning a.identity_id
        )
        select (select max(native_identity) from examined) as through, (select count(*)::int from gone) as removed,
          array(select distinct identity_id from gone where identity_id is not null) as identity_ids`.execute(db);
      return r.rows[0];
    },
    async upsertStaged(taskId, sourceId, after, limit) {
      // the batch: the next `limit` staged rows in native identity order (the staging table's key)
      const batch = await sql<{ through: string | null; rows: number }>`
        select max(native_identity) as through, count(*)::int as rows from (
          select native_identity from account_load_rows
          where task_id = ${taskId} ${after === null ? sql`` : sql`and native_identity > ${after}`}
          order by native_identity ${limit === undefined ? sql`` : sql`limit ${limit}`}) b`.execute(db);
      const { through, rows } = batch.rows[0];
      if (through === null) return { through, rows: 0, added: 0, updated: 0, correlated: 0, formed: 0, unplaced: 0 };
      const written = await upsertPlaced(db, tenantId, { taskId, sourceId, after, through });
      return { through, rows, ...written };
    },
    async refreshStatistics() {
      // the columns our statements filter and join on: the JSON of attributes made `analyze
      // accounts` ~5 times longer (one statement, on PGlite the event loop held that long)
      await sql`analyze accounts (id, tenant_id, source_id, identity_id, native_identity)`.execute(db);
      await sql`analyze identities (id, tenant_id, profile_id)`.execute(db);
    },
    async refreshStagedStatistics() {
      await sql`analyze account_load_rows (task_id, native_identity)`.execute(db);
    },
    async clearStaged(taskId, range) {
      await sql`
        delete from account_load_rows where task_id = ${taskId}
          ${range ? sql`and native_identity <= ${range.through} ${range.after === null ? sql`` : sql`and native_identity > ${range.after}`}` : sql``}`.execute(
        db,
      );
    },
    countRemovals: (taskId, sourceId) => Preview.countRemovals(db, taskId, sourceId),
    compareStaged: (taskId, sourceId) => Preview.compareStaged(db, taskId, sourceId),
    sampleStaged: (taskId, sourceId, limit) => Preview.sampleStaged(db, taskId, sourceId, limit),
    previewIdentities: (taskId, sourceId, limit) => Preview.previewIdentities(db, tenantId, taskId, sourceId, limit),
  };
}
