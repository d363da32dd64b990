import { sql, type SelectQueryBuilder } from 'kysely';
import type { CollectionQuery, FilterRules } from '../../domain/shared/collection.js';
import { compileFilter, defineFieldMap, filterSql, type FieldMap, type FieldType, type Operator } from '../../query/index.js';

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

/**
 * Applies filter, sorters (with `tiebreak` last, so pages are stable) and paging. String columns
 * sort case-insensitively, like ISC's listings.
 */
export function applyCollection<QB extends SelectQueryBuilder<any, any, any>>(
  q: QB,
  query: CollectionQuery,
  fields: FieldMap,
  sortColumns: Readonly<Record<string, string>>,
  tiebreak: string,
): QB {
  return applySort(applyFilter(q, query, fields), query, sortColumns, tiebreak).limit(query.limit).offset(query.offset) as QB;
}

/**
 * The ORDER BY terms of a query: its sorters, then `tiebreak` (unless a sorter is on it) so pages
 * are stable; names (`name`, `owner.name`…) by `lower(column)`. What `applySort` (Kysely) and
 * `orderBySql` (SQL text) both write.
 */
function sortTerms(query: Pick<CollectionQuery, 'sorters'>, sortColumns: Readonly<Record<string, string>>, tiebreak: string) {
  const terms = query.sorters.map((s) => ({ column: sortColumns[s.field], lower: /(^|\.)name$/.test(s.field), direction: s.direction }));
  if (!query.sorters.some((s) => sortColumns[s.field] === tiebreak)) terms.push({ column: tiebreak, lower: false, direction: 'asc' });
  return terms;
}

/** The query's sorters as ORDER BY, `tiebreak` last (part of `applyCollection`). */
export function applySort<QB extends SelectQueryBuilder<any, any, any>>(
  q: QB,
  query: Pick<CollectionQuery, 'sorters'>,
  sortColumns: Readonly<Record<string, string>>,
  tiebreak: string,
): QB {
  let out: SelectQueryBuilder<any, any, any> = q;
  for (const t of sortTerms(query, sortColumns, tiebreak)) out = out.orderBy(t.lower ? sql`lower(${sql.ref(t.column)})` : sql.ref(t.column), t.direction);
  return out as QB;
}

/** Adds the query's filter (if any) as a WHERE condition. */
export function applyFilter<QB extends SelectQueryBuilder<any, any, any>>(q: QB, query: Pick<CollectionQuery, 'filter'>, fields: FieldMap): QB {
  return (query.filter ? q.where(compileFilter(query.filter, fields) as any) : q) as QB;
}

/** The query's sorters as an ORDER BY clause (SQL text, for statements written as text): what `applySort` builds. */
export function orderBySql(query: Pick<CollectionQuery, 'sorters'>, sortColumns: Readonly<Record<string, string>>, tiebreak: string): string {
  return `order by ${sortTerms(query, sortColumns, tiebreak).map((t) => `${t.lower ? `lower(${t.column})` : t.column} ${t.direction}`).join(', ')}`;
}

/** ` and (filter)` for a WHERE clause (SQL text, values appended to `params`), or '' without a filter. */
export function andFilterSql(query: Pick<CollectionQuery, 'filter'>, fields: FieldMap, params: unknown[]): string {
  return query.filter ? ` and ${filterSql(query.filter, fields, params)}` : '';
}
