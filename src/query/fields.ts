/**
 * Per-endpoint whitelists: which API fields a filter may name, the SQL column
 * each maps to, its type, and the operators allowed on it. Nothing outside a
 * FieldMap can reach SQL, and only the map's `column` strings (written by us,
 * never by the client) become identifiers.
 */
import type { Operator } from './operators.js';

/**
 * - `integer`: a 32-bit signed integer column (e.g. `priority`); non-integer
 *   literals are rejected before they reach PostgreSQL.
 * - `number`: any numeric column.
 * - `datetime`: a `timestamptz` column; literals are compared temporally.
 * - `string[]`: a `text[]` column, for `ca`.
 */
export type FieldType = 'string' | 'integer' | 'number' | 'boolean' | 'datetime' | 'string[]';

/** What a filter may do with a field; enough to validate a filter (no SQL). */
export interface FieldRule {
  readonly type: FieldType;
  /** Operators allowed on this field, in the order error messages list them. */
  readonly ops: readonly Operator[];
  /**
   * String comparisons ignore case unless this is `true` (ISC: "most
   * comparisons are not case sensitive"). Case-insensitive fields compare
   * `lower(column)`, so an index on `lower(column)` can serve them.
   */
  readonly caseSensitive?: boolean;
}

/** A rule plus the SQL column that stores the field; enough to compile a filter. */
export interface FieldSpec extends FieldRule {
  /** SQL column reference, e.g. `'ip.name'` or `'name'`. */
  readonly column: string;
}

/** API field name → its rule (the domain's view: no columns). */
export type FilterRules = Readonly<Record<string, FieldRule>>;

/** API field name (as clients write it, e.g. `owner.id`) → its spec. */
export type FieldMap = Readonly<Record<string, FieldSpec>>;

const ORDERED: readonly Operator[] = ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'in', 'pr', 'isnull'];

/** Which operators make sense for each field type. */
export const OPERATORS_BY_TYPE: Readonly<Record<FieldType, readonly Operator[]>> = Object.freeze({
  string: [...ORDERED, 'co', 'sw'],
  integer: ORDERED,
  number: ORDERED,
  datetime: ORDERED,
  boolean: ['eq', 'ne', 'in', 'pr', 'isnull'],
  'string[]': ['ca', 'pr', 'isnull'],
});

/**
 * Checks a field map (or column-free FilterRules) once, at definition time,
 * and freezes it: every operator must suit its field's type (no `co` on a
 * number, no `ca` on a scalar).
 * @example
 * export const LIST_FILTERS = defineFieldMap({
 *   id: { column: 'ip.id', type: 'string', ops: ['eq', 'ne', 'ge', 'gt', 'in', 'le', 'sw'] },
 *   priority: { column: 'ip.priority', type: 'integer', ops: ['eq', 'ne'] },
 * });
 * @throws Error (a programming error, not a QueryError) on a mismatch.
 */
export function defineFieldMap<M extends FilterRules>(map: M): M {
  for (const [field, spec] of Object.entries(map)) {
    const allowed = OPERATORS_BY_TYPE[spec.type];
    if (allowed === undefined) throw new Error(`Field '${field}': unknown type '${String(spec.type)}'`);
    const bad = spec.ops.filter((op) => !allowed.includes(op));
    if (bad.length > 0) {
      throw new Error(`Field '${field}' (${spec.type}): operator(s) ${bad.join(', ')} not applicable`);
    }
    if (new Set(spec.ops).size !== spec.ops.length) throw new Error(`Field '${field}': duplicate operators`);
    if ('column' in spec && String(spec.column).trim() === '') throw new Error(`Field '${field}': empty column`);
  }
  for (const spec of Object.values(map)) Object.freeze(spec.ops);
  return Object.freeze(map);
}

export const isCaseInsensitive = (spec: FieldRule): boolean =>
  (spec.type === 'string' || spec.type === 'string[]') && spec.caseSensitive !== true;
