/**
 * Compiles a filter AST to SQL text with numbered parameters, without Kysely: for hot listings
 * that run as named prepared statements (the text depends only on the filter's shape — fields,
 * operators, number of values — never on a value, so one statement serves every value).
 * The same semantics as `compileFilter` (to-kysely.ts), with one difference in form: `sw` is a
 * range, `col ~>=~ $lo and col ~<~ $hi` (byte order, which for UTF-8 is code-point order), not
 * `LIKE 'prefix%'`: with a parameter a generic plan cannot use an index for LIKE, and it can for
 * the range (an index with `text_pattern_ops`). The range is exact: a text starts with P exactly
 * when P ≤ text < P with its last code point raised by one.
 */
import type { FilterNode } from './ast.js';
import { isCaseInsensitive } from './fields.js';
import type { FieldMap, FieldSpec } from './fields.js';
import type { BinaryOperator } from './operators.js';
import { escapeLike } from './to-kysely.js';
import { resolveLeaf } from './validate.js';
import type { ResolvedLeaf, SqlScalar } from './validate.js';

const SQL_OPERATOR = {
  eq: '=', ne: 'is distinct from', gt: '>', ge: '>=', lt: '<', le: '<=', co: 'like', sw: 'like',
} as const satisfies Record<BinaryOperator, string>;

/**
 * Validates `node` against `fields` and returns its SQL condition; the values are appended to
 * `params` and referenced as `$n` (n = their position in `params`, from 1).
 * @throws QueryError for an unknown field, a disallowed operator or a mistyped value.
 */
export function filterSql(node: FilterNode, fields: FieldMap, params: unknown[]): string {
  switch (node.kind) {
    case 'and':
    case 'or':
      return `(${node.operands.map((operand) => filterSql(operand, fields, params)).join(` ${node.kind} `)})`;
    case 'not':
      return `not coalesce(${filterSql(node.operand, fields, params)}, false)`;
    case 'comparison':
      return comparison(node.operator, resolveLeaf(node, fields), params);
    case 'list': {
      const leaf = resolveLeaf(node, fields);
      return node.operator === 'in' ? inList(leaf, params) : containsAll(leaf, params);
    }
    case 'present':
      return `${resolveLeaf(node, fields).spec.column} is not null`;
    case 'isnull':
      return `${resolveLeaf(node, fields).spec.column} is null`;
  }
}

const bind = (params: unknown[], value: unknown) => `$${params.push(value)}`;

function comparison(operator: BinaryOperator, { spec, values: [value] }: ResolvedLeaf<FieldSpec>, params: unknown[]): string {
  if (value === null) return `${spec.column} ${operator === 'eq' ? 'is' : 'is not'} null`;
  const lhs = column(spec);
  if (operator === 'sw') {
    const prefix = wellFormed(normalize(spec, value) as string);
    const above = successor(prefix);
    const from = `${lhs} ~>=~ ${bind(params, prefix)}`;
    return above === undefined ? `(${from})` : `(${from} and ${lhs} ~<~ ${bind(params, above)})`;
  }
  if (operator === 'co') return `${lhs} like ${bind(params, `%${escapeLike(normalize(spec, value) as string)}%`)}`;
  return `${lhs} ${SQL_OPERATOR[operator]} ${literal(spec, value, params)}`;
}

function inList({ spec, values }: ResolvedLeaf<FieldSpec>, params: unknown[]): string {
  return `${column(spec)} in (${values.map((value) => literal(spec, value, params)).join(', ')})`;
}

function containsAll({ spec, values }: ResolvedLeaf<FieldSpec>, params: unknown[]): string {
  const wanted = bind(params, values.map((value) => normalize(spec, value)));
  const haystack = isCaseInsensitive(spec)
    ? `(select array_agg(lower(ca_element)) from unnest(${spec.column}) as ca_element)`
    : spec.column;
  return `${haystack} @> cast(${wanted} as text[])`;
}

const column = (spec: FieldSpec) => (isCaseInsensitive(spec) ? `lower(${spec.column})` : spec.column);

function literal(spec: FieldSpec, value: SqlScalar, params: unknown[]): string {
  const placeholder = bind(params, normalize(spec, value));
  return spec.type === 'datetime' ? `cast(${placeholder} as timestamptz)` : placeholder;
}

function normalize(spec: FieldSpec, value: SqlScalar): SqlScalar {
  return typeof value === 'string' && isCaseInsensitive(spec) ? value.toLowerCase() : value;
}

/** Lone surrogates as U+FFFD, which is what reaches the database (UTF-8 cannot carry them). */
const wellFormed = (text: string) => text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');

/**
 * The least text above every text that starts with `prefix` (in code-point order): the prefix with
 * its last code point raised by one (U+D7FF to U+E000: surrogates are no characters), dropping
 * trailing U+10FFFF; undefined when there is none (an empty prefix, or only U+10FFFF).
 */
export function successor(prefix: string): string | undefined {
  const points = Array.from(prefix, (ch) => ch.codePointAt(0)!);
  while (points.length > 0) {
    const last = points.pop()!;
    if (last < 0x10ffff) {
      points.push(last === 0xd7ff ? 0xe000 : last + 1);
      return String.fromCodePoint(...points);
    }
  }
  return undefined;
}
