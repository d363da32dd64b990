import { ERRORS } from '../../errors.js';
import { compileFilterSafe, parsePaging, parseSorters, QueryError, type FilterNode } from '../../query/index.js';

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
  /** Allowed filter fields with their type and operators. */
  filters: Readonly<Record<string, { type: 'string' | 'number' | 'boolean' | 'datetime'; ops: readonly string[] }>>;
  sorters: readonly string[];
  defaultSort: CollectionQuery['sorters'];
}

/** Parses `filters`, `sorters`, `limit`, `offset`, `count` against an endpoint's rules; 400 on anything wrong. */
export function parseCollectionQuery(params: CollectionParams, rules: CollectionRules): CollectionQuery {
  try {
    const paging = parsePaging({ limit: params.limit, offset: params.offset, count: params.count });
    const filter = params.filters?.trim() ? compileFilterSafe(params.filters, rules.filters) : undefined;
    const allowedSorters = Object.fromEntries(rules.sorters.map((s) => [s, s]));
    const sorters = params.sorters?.trim()
      ? parseSorters(params.sorters, allowedSorters).map((s) => ({ field: s.field, direction: s.direction }))
      : rules.defaultSort;
    return { filter, sorters, ...paging };
  } catch (e) {
    if (e instanceof QueryError) throw ERRORS.badRequest(e.message);
    throw e;
  }
}
