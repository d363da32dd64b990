/**
 * Checks a parsed filter against an endpoint's FieldMap and turns each
 * literal into the value that will be bound as a SQL parameter. Checks run
 * field → operator → values, so the first error names the leftmost problem
 * of a leaf.
 */
import type { ComparisonNode, FilterNode, IsNullNode, ListNode, LiteralNode, PresentNode } from './ast.js';
import { QueryError } from './errors.js';
import type { FieldRule, FieldType, FilterRules } from './fields.js';
import { parseDateTime } from './literal.js';
import type { Operator } from './operators.js';

export type LeafNode = ComparisonNode | ListNode | PresentNode | IsNullNode;

/** A value bound as a parameter. Date-times are ISO strings, cast to timestamptz in SQL. */
export type SqlScalar = string | number | boolean | null;

export interface ResolvedLeaf<S extends FieldRule = FieldRule> {
  readonly field: string;
  readonly spec: S;
  /** The bound values: one for comparisons, several for lists, none for pr/isnull. */
  readonly values: readonly SqlScalar[];
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

const EXPECTED: Readonly<Record<FieldType, string>> = {
  string: 'a string',
  'string[]': 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  datetime: 'an ISO-8601 date-time such as 2018-12-18T23:05:55Z',
};

/**
 * Validates a whole filter against `fields` (a FieldMap or column-free
 * FilterRules) without compiling it.
 * @throws QueryError naming the field, operator or value and its position.
 */
export function validateFilter(node: FilterNode, fields: FilterRules): void {
  switch (node.kind) {
    case 'and':
    case 'or':
      node.operands.forEach((operand) => validateFilter(operand, fields));
      return;
    case 'not':
      validateFilter(node.operand, fields);
      return;
    default:
      resolveLeaf(node, fields);
  }
}

/** Checks one leaf (field, operator, literals) and returns its spec and bound values. */
export function resolveLeaf<S extends FieldRule>(node: LeafNode, fields: Readonly<Record<string, S>>): ResolvedLeaf<S> {
  const field = node.field.name;
  const spec = lookupField(field, node.field.position, fields);
  const operator: Operator = node.kind === 'present' ? 'pr' : node.kind === 'isnull' ? 'isnull' : node.operator;
  checkOperator(operator, node.operatorPosition, field, spec);
  let values: SqlScalar[] = [];
  if (node.kind === 'comparison') values = [resolveLiteral(node.value, field, spec, operator)];
  if (node.kind === 'list') values = node.values.map((v) => resolveLiteral(v, field, spec, operator));
  return { field, spec, values: Object.freeze(values) };
}

function lookupField<S extends FieldRule>(field: string, position: number, fields: Readonly<Record<string, S>>): S {
  if (Object.hasOwn(fields, field)) return fields[field];
  const names = Object.keys(fields);
  const supported = names.length > 0 ? `supported: ${names.join(', ')}` : 'this endpoint supports no filters';
  const detail = `Unsupported filter field '${field}'`;
  return fail(
    'unsupported_field',
    position,
    `${detail}; ${supported}`,
    `${detail} at position ${position}; ${supported}`,
  );
}

function checkOperator(operator: Operator, position: number, field: string, spec: FieldRule): void {
  if (spec.ops.includes(operator)) return;
  const head = `Operator '${operator}' is not supported for field '${field}'`;
  const supported = `supported: ${spec.ops.join(', ')}`;
  fail('unsupported_operator', position, `${head}; ${supported}`, `${head} at position ${position}; ${supported}`);
}

/**
 * The value a literal binds for a field. Unquoted literals take the field's
 * type (so `id eq 8c19…` and `name eq 42` are strings); quoted literals are
 * strings, except that a quoted ISO-8601 text is accepted for a date-time.
 */
function resolveLiteral(literal: LiteralNode, field: string, spec: FieldRule, operator: Operator): SqlScalar {
  if (literal.type === 'null') {
    if (operator === 'eq' || operator === 'ne') return null;
    return invalidValue(literal, field, `null is only allowed with 'eq' and 'ne' (or use 'isnull' / 'pr')`);
  }
  switch (spec.type) {
    case 'string':
    case 'string[]':
      return literal.type === 'string' ? (literal.value as string) : literal.raw;
    case 'integer':
      return resolveNumber(literal, field, spec.type, (n) => Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX);
    case 'number':
      return resolveNumber(literal, field, spec.type, Number.isFinite);
    case 'boolean':
      return literal.type === 'boolean' ? (literal.value as boolean) : mismatch(literal, field, spec.type);
    case 'datetime':
      return resolveDateTime(literal, field);
  }
}

function resolveNumber(literal: LiteralNode, field: string, type: FieldType, ok: (n: number) => boolean): number {
  if (literal.type === 'number' && ok(literal.value as number)) return literal.value as number;
  return mismatch(literal, field, type);
}

function resolveDateTime(literal: LiteralNode, field: string): string {
  if (literal.type === 'datetime') return literal.value as string;
  const parsed = literal.type === 'string' ? parseDateTime(literal.value as string) : undefined;
  if (parsed !== undefined && parsed !== 'invalid') return parsed;
  return mismatch(literal, field, 'datetime');
}

function mismatch(literal: LiteralNode, field: string, type: FieldType): never {
  return invalidValue(literal, field, `expected ${EXPECTED[type]}, found ${literal.raw}`);
}

function invalidValue(literal: LiteralNode, field: string, reason: string): never {
  const head = `Invalid value for field '${field}'`;
  return fail(
    'invalid_value',
    literal.position,
    `${head}: ${reason}`,
    `${head} at position ${literal.position}: ${reason}`,
  );
}

function fail(
  code: 'unsupported_field' | 'unsupported_operator' | 'invalid_value',
  position: number,
  detail: string,
  message: string,
): never {
  throw new QueryError({ code, parameter: 'filters', position, detail, message });
}
