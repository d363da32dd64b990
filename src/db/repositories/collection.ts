import {
  expressionBuilder,
  sql,
  type Expression,
  type RawBuilder,
  type SelectQueryBuilder,
  type SqlBool,
} from 'kysely';
import type { CollectionQuery, FilterRules } from '../../domain/shared/collection.js';
import { compileFilter, defineFieldMap, type FieldMap, type FieldType, type Operator } from '../../query/index.js';

/** Joins an endpoint's filter rules (domain) with the columns that store each field (here). */
export function withColumns(rules: FilterRules, columns: Readonly<Record<string, string>>): FieldMap {
  const map: Record<string, { column: string; type: FieldType; ops: readonly Operator[] }> = {};
  for (const [field, rule] of Object.entries(rules)) {
    const column = columns[field];
    if (!column) throw new Error(`No column for filter field '${field}'`);
    map[field] = { column, type: rule.type, ops: rule.ops };
  }
  return defineFieldMap(map);
}

/** How a repository's rows are listed: the columns filters and sorters name, and the column that makes pages stable. */
export interface Listing {
  fields: FieldMap;
  sortColumns: Readonly<Record<string, string>>;
  /** Sorted on last (unless a sorter is on it already), so a row is on one page only. */
  tiebreak: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- lists apply to any table
type AnySelect = SelectQueryBuilder<any, any, any>;

/**
 * A page of a collection and, when the query asks for it, how many rows match: `rows` filtered,
 * sorted and paged; `counted` (the same rows without what only the page needs, e.g. joins for
 * names) filtered and counted.
 */
export async function listPage<Row>(
  query: CollectionQuery,
  listing: Listing,
  rows: SelectQueryBuilder<any, any, Row>,
  counted: AnySelect,
): Promise<{ rows: Row[]; total?: number }> {
  const page = await applyCollection(rows, query, listing).execute();
  return query.count ? { rows: page, total: await countMatching(counted, query, listing.fields) } : { rows: page };
}

/** How many rows of `from` the query's filter matches. */
export async function countMatching(
  from: AnySelect,
  query: Pick<CollectionQuery, 'filter'>,
  fields: FieldMap,
): Promise<number> {
  const counted = applyFilter(
    from.select((eb) => eb.fn.countAll<number>().as('n')),
    query,
    fields,
  );
  return Number((await counted.executeTakeFirstOrThrow()).n);
}

/** Applies filter, sorters (`tiebreak` last, so pages are stable) and paging. */
function applyCollection<QB extends AnySelect>(q: QB, query: CollectionQuery, listing: Listing): QB {
  return applySort(applyFilter(q, query, listing.fields), query, listing)
    .limit(query.limit)
    .offset(query.offset) as QB;
}

/** The query's sorters as ORDER BY (see `sortTerms`). */
function applySort<QB extends AnySelect>(
  q: QB,
  query: Pick<CollectionQuery, 'sorters'>,
  listing: Omit<Listing, 'fields'>,
): QB {
  return q.orderBy(sortTerms(query, listing)) as QB;
}

/** Adds the query's filter (if any) as a WHERE condition. */
function applyFilter<QB extends AnySelect>(q: QB, query: Pick<CollectionQuery, 'filter'>, fields: FieldMap): QB {
  return (query.filter ? q.where(compileFilter(query.filter, fields) as any) : q) as QB;
}

/**
 * The terms of an ORDER BY: the query's sorters, then `tiebreak` (unless a sorter is on it) so
 * pages are stable. Names (`name`, `owner.name`…) sort by `lower(column)`, case-insensitively like
 * ISC's listings. For builders (`applySort`) and for statements written with the `sql` tag.
 */
export function sortTerms(
  query: Pick<CollectionQuery, 'sorters'>,
  { sortColumns, tiebreak }: Omit<Listing, 'fields'>,
): RawBuilder<unknown> {
  const terms = query.sorters.map((s) => {
    const column = sql.ref(sortColumns[s.field]);
    return sql`${/(^|\.)name$/.test(s.field) ? sql`lower(${column})` : column} ${sql.raw(s.direction === 'desc' ? 'desc' : 'asc')}`;
  });
  if (!query.sorters.some((s) => sortColumns[s.field] === tiebreak)) terms.push(sql`${sql.ref(tiebreak)} asc`);
  return sql.join(terms);
}

/**
 * The query's filter as a condition for a statement written with the `sql` tag (`and ${condition}`),
 * or undefined without a filter: the same compiled filter `applyFilter` adds to a builder.
 */
export function filterCondition(
  query: Pick<CollectionQuery, 'filter'>,
  fields: FieldMap,
): Expression<SqlBool> | undefined {
  return query.filter && compileFilter(query.filter, fields)(expressionBuilder());
}
