import { AppError, type ErrorCode } from '../../errors.js';
import {
  parsePaging,
  parseSorters,
  parseValidFilter,
  QueryError,
  type FilterNode,
  type FilterRules,
  type QueryParameter,
} from '../../query/index.js';

export type { FilterRules };

/** A parsed, validated collection request (list or export), ready for a repository. */
export interface CollectionQuery {
  filter?: FilterNode;
  sorters: Array<{ field: string; direction: 'asc' | 'desc' }>;
  limit: number;
  offset: number;
  count: boolean;
}

export interface CollectionParams {
  filters?: string;
  sorters?: string;
  limit?: string | number;
  offset?: string | number;
  count?: string | boolean;
}

export interface CollectionRules {
  /** Allowed filter fields with their type and operators (columns are the repository's business). */
  filters: FilterRules;
  sorters: readonly string[];
  defaultSort: CollectionQuery['sorters'];
}

/** Parses `filters`, `sorters`, `limit`, `offset`, `count` against an endpoint's rules; 400 on anything wrong. */
export function parseCollectionQuery(params: CollectionParams, rules: CollectionRules): CollectionQuery {
  try {
    const paging = parsePaging({ limit: params.limit, offset: params.offset, count: params.count });
    const filter = params.filters?.trim() ? parseValidFilter(params.filters, rules.filters) : undefined;
    const allowedSorters = Object.fromEntries(rules.sorters.map((s) => [s, s]));
    const sorters = params.sorters?.trim()
      ? parseSorters(params.sorters, allowedSorters).map((s) => ({ field: s.field, direction: s.direction }))
      : rules.defaultSort;
    return { filter, sorters, ...paging };
  } catch (e) {
    if (e instanceof QueryError) throw new AppError(QUERY_ERROR_CODES[e.parameter], describeQueryError(e));
    throw e;
  }
}

/** The error code of a refused query parameter. */
const QUERY_ERROR_CODES: Record<QueryParameter, ErrorCode> = {
  filters: 'invalid_filter',
  sorters: 'invalid_sorter',
  limit: 'invalid_paging',
  offset: 'invalid_paging',
  count: 'invalid_paging',
};

/**
 * The 400 text names the query parameter, then what and where (decision 2):
 * `Invalid filters: Syntax error at position 5: expected an operator after 'name', found 'EQ'`.
 * Paging messages already start with their parameter (`Invalid limit '300': ...`).
 */
function describeQueryError(e: QueryError): string {
  return e.parameter === 'filters' || e.parameter === 'sorters' ? `Invalid ${e.parameter}: ${e.message}` : e.message;
}
