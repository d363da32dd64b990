/**
 * Compiles a filter AST to a Kysely expression: one exhaustive switch over
 * node kinds. Every literal is bound as a parameter; the only identifiers in
 * the SQL are FieldMap columns, so no client text ever reaches the SQL string.
 * The compiled text therefore depends only on the filter's shape (fields,
 * operators, number of values), never on a value: one text serves every value,
 * so hot lists can run it as a named prepared statement (db/pg-client.ts).
 *
 * Semantics worth knowing:
 * - Case-insensitive string fields compare `lower(column)` with the literal
 *   lower-cased in JS (an index on `lower(column)` can serve `eq`, `in`, `sw`).
 * - `sw` is a range, `col ~>=~ $lo and col ~<~ $hi` (prefix.ts: a generic plan
 *   can use an index with `text_pattern_ops` for it, not for `LIKE $1`).
 * - `co` uses LIKE with `\`, `%` and `_` escaped (PostgreSQL's default LIKE
 *   escape is `\`).
 * - Two-valued logic: `not x` is `not coalesce(x, false)` and `ne` is
 *   `is distinct from`, so a null field matches `ne` and `not (… eq …)`
 *   exactly when it does not match `eq`. `eq null`/`ne null` mean `is null`
 *   / `is not null`.
 * - Date-times are bound as ISO strings and cast to `timestamptz`.
 * - `ca` is array containment `column @> cast($1 as text[])`.
 */
import { sql } from 'kysely';
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { FilterNode } from './ast.js';
import { isCaseInsensitive } from './fields.js';
import type { FieldMap, FieldSpec } from './fields.js';
import type { BinaryOperator } from './operators.js';
import { successor, wellFormed } from './prefix.js';
import { resolveLeaf } from './validate.js';
import type { ResolvedLeaf, SqlScalar } from './validate.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- filters apply to any table
type AnyEB = ExpressionBuilder<any, any>;

/** A compiled filter, ready for `query.where(filter)`. */
export type FilterExpression = (eb: AnyEB) => Expression<SqlBool>;

type Operand = (eb: AnyEB) => Expression<unknown>;

/** Kysely's data-type list has no array types; this fragment is a constant. */
const TEXT_ARRAY = sql`text[]`;

const SQL_OPERATOR = {
  eq: '=',
  ne: 'is distinct from',
  gt: '>',
  ge: '>=',
  lt: '<',
  le: '<=',
  co: 'like',
  sw: 'like',
} as const satisfies Record<BinaryOperator, string>;

/**
 * Validates `node` against `fields` (eagerly: errors are thrown here, not when
 * the query runs) and returns a Kysely filter.
 * @example db.selectFrom('identity_profile as ip').selectAll().where(compileFilter(ast, LIST_FILTERS))
 * @throws QueryError for an unknown field, a disallowed operator or a mistyped value.
 */
export function compileFilter(node: FilterNode, fields: FieldMap): FilterExpression {
  switch (node.kind) {
    case 'and':
    case 'or': {
      const parts = node.operands.map((operand) => compileFilter(operand, fields));
      const kind = node.kind;
      return (eb) => eb[kind](parts.map((part) => part(eb)));
    }
    case 'not': {
      const inner = compileFilter(node.operand, fields);
      return (eb) => eb.not(eb.fn.coalesce(inner(eb), eb.lit(false)));
    }
    case 'comparison':
      return compileComparison(node.operator, resolveLeaf(node, fields));
    case 'list': {
      const leaf = resolveLeaf(node, fields);
      return node.operator === 'in' ? compileIn(leaf) : compileContainsAll(leaf);
    }
    case 'present':
      return nullTest(resolveLeaf(node, fields).spec, 'is not');
    case 'isnull':
      return nullTest(resolveLeaf(node, fields).spec, 'is');
  }
}

function compileComparison(
  operator: BinaryOperator,
  { spec, values: [value] }: ResolvedLeaf<FieldSpec>,
): FilterExpression {
  if (value === null) return nullTest(spec, operator === 'eq' ? 'is' : 'is not');
  const lhs = column(spec);
  if (operator === 'sw') return startsWith(lhs, wellFormed(normalize(spec, value) as string));
  if (operator === 'co') {
    const pattern = `%${escapeLike(normalize(spec, value) as string)}%`;
    return (eb) => eb(lhs(eb), 'like', pattern);
  }
  const rhs = literal(spec, value);
  return (eb) => eb(lhs(eb), SQL_OPERATOR[operator], rhs(eb));
}

/** `sw`: the range of texts that start with `prefix` (prefix.ts); from `prefix` up when nothing is above it. */
function startsWith(lhs: Operand, prefix: string): FilterExpression {
  const above = successor(prefix);
  return (eb) => {
    const text = lhs(eb);
    return above === undefined
      ? sql<SqlBool>`(${text} ~>=~ ${prefix})`
      : sql<SqlBool>`(${text} ~>=~ ${prefix} and ${text} ~<~ ${above})`;
  };
}

function compileIn({ spec, values }: ResolvedLeaf<FieldSpec>): FilterExpression {
  const lhs = column(spec);
  const rhs = values.map((value) => literal(spec, value));
  return (eb) =>
    eb(
      lhs(eb),
      'in',
      rhs.map((operand) => operand(eb)),
    );
}

/** `ca`: the array column contains every listed value (case-insensitively unless `caseSensitive`). */
function compileContainsAll({ spec, values }: ResolvedLeaf<FieldSpec>): FilterExpression {
  const wanted = values.map((value) => normalize(spec, value));
  return (eb) => {
    const haystack = isCaseInsensitive(spec)
      ? eb
          .selectFrom(eb.fn('unnest', [eb.ref(spec.column)]).as('ca_element'))
          .select((sub) => sub.fn('array_agg', [sub.fn('lower', [sub.ref('ca_element')])]).as('ca_elements'))
      : eb.ref(spec.column);
    return eb(haystack, '@>', eb.cast(eb.val(wanted), TEXT_ARRAY));
  };
}

function nullTest(spec: FieldSpec, operator: 'is' | 'is not'): FilterExpression {
  return (eb) => eb(eb.ref(spec.column), operator, null);
}

/** The column side: `lower(column)` for case-insensitive strings. */
function column(spec: FieldSpec): Operand {
  return isCaseInsensitive(spec) ? (eb) => eb.fn('lower', [eb.ref(spec.column)]) : (eb) => eb.ref(spec.column);
}

/** The value side: a parameter, cast to timestamptz for date-times. */
function literal(spec: FieldSpec, value: SqlScalar): Operand {
  const bound = normalize(spec, value);
  return spec.type === 'datetime' ? (eb) => eb.cast(eb.val(bound), 'timestamptz') : (eb) => eb.val(bound);
}

function normalize(spec: FieldSpec, value: SqlScalar): SqlScalar {
  return typeof value === 'string' && isCaseInsensitive(spec) ? value.toLowerCase() : value;
}

/** Escapes LIKE metacharacters so the text matches literally. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}
