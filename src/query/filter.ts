/**
 * One call for a route or repository: the raw `filters` parameter in, a
 * validated Kysely filter (or nothing) out.
 */
import type { FieldMap } from './fields.js';
import { parseFilter } from './parser.js';
import { compileFilter } from './to-kysely.js';
import type { FilterExpression } from './to-kysely.js';

/**
 * Parses, validates and compiles a `filters` parameter. An absent or blank
 * parameter means "no filter" and yields `undefined`.
 * @example
 * const where = filterFromQuery(query.filters, LIST_FILTERS);
 * if (where) qb = qb.where(where);
 * @throws QueryError for any syntax or whitelist error.
 */
export function filterFromQuery(text: string | undefined, fields: FieldMap): FilterExpression | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  return compileFilter(parseFilter(text), fields);
}
