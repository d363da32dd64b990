import { sql, type SelectQueryBuilder } from 'kysely';
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
export async function countMatching(from: AnySelect, query: Pick<CollectionQuery, 'filter'>, fields: FieldMap): Promise<number> {
  const counted = applyFilter(from.select((eb) => eb.fn.countAll<number>().as('n')), query, fields);
  return Number((await counted.executeTakeFirstOrThrow()).n);
}

/** Applies filter, sorters (`tiebreak` last, so pages are stable) and paging. */
export function applyCollection<QB extends AnySelect>(q: QB, query: CollectionQuery, listing: Listing): QB {
  return applySort(applyFilter(q, query, listing.fields), query, listing).limit(query.limit).offset(query.offset) as QB;
}

/**
 * The query's sorters as ORDER BY, then `tiebreak` (unless a sorter is on it) so pages are stable.
 * Names (`name`, `owner.name`…) sort by `lower(column)`, case-insensitively like ISC's listings.
 */
export function applySort<QB extends AnySelect>(q: QB, query: Pick<CollectionQuery, 'sorters'>, { sortColumns, tiebreak }: Omit<Listing, 'fields'>): QB {
  let out: AnySelect = q;
  for (const s of query.sorters) {
    const column = sql.ref(sortColumns[s.field]);
    out = out.orderBy(/(^|\.)name$/.test(s.field) ? sql`lower(${column})` : column, s.direction);
  }
  if (!query.sorters.some((s) => sortColumns[s.field] === tiebreak)) out = out.orderBy(sql.ref(tiebreak), 'asc');
  return out as QB;
}

/** Adds the query's filter (if any) as a WHERE condition. */
export function applyFilter<QB extends AnySelect>(q: QB, query: Pick<CollectionQuery, 'filter'>, fields: FieldMap): QB {
  return (query.filter ? q.where(compileFilter(query.filter, fields) as any) : q) as QB;
}
