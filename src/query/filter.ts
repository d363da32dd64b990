/**
 * One-call helpers for the layers above: the raw `filters` parameter in, a
 * validated AST (domain, which knows rules but not columns) or a Kysely
 * filter (repositories, which know columns) out.
 */
import type { FilterNode } from './ast.js';
import type { FieldMap, FilterRules } from './fields.js';
import { parseFilter } from './parser.js';
import { compileFilter } from './to-kysely.js';
import type { FilterExpression } from './to-kysely.js';
import { validateFilter } from './validate.js';

/**
 * Parses a `filters` parameter and validates it against an endpoint's rules,
 * so a bad filter is a 400 before any database work. Compile the result
 * later with `compileFilter(node, fieldMapWithColumns)`.
 * @throws QueryError for any syntax or whitelist error.
 */
export function parseValidFilter(text: string, rules: FilterRules): FilterNode {
  const node = parseFilter(text);
  validateFilter(node, rules);
  return node;
}

/** Same as `parseValidFilter` (the name the domain layer first used). */
export const compileFilterSafe = parseValidFilter;

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
