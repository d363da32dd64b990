import { describe, expect, it } from 'vitest';
import { defineFieldMap } from './fields.js';
import type { FieldMap } from './fields.js';
import { compileFilterSafe, parseValidFilter } from './filter.js';
import { parseFilter } from './parser.js';
import { resolveLeaf, validateFilter } from './validate.js';
import type { LeafNode } from './validate.js';

/** The identity-profile list endpoint's whitelist (spec §3a). */
const LIST = defineFieldMap({
  id: { column: 'ip.id', type: 'string', ops: ['eq', 'ne', 'ge', 'gt', 'in', 'le', 'sw'] },
  name: { column: 'ip.name', type: 'string', ops: ['eq', 'ne', 'ge', 'gt', 'in', 'le', 'sw'] },
  priority: { column: 'ip.priority', type: 'integer', ops: ['eq', 'ne'] },
});

const TYPED = defineFieldMap({
  amount: { column: 'amount', type: 'number', ops: ['eq', 'gt', 'in'] },
  enabled: { column: 'enabled', type: 'boolean', ops: ['eq', 'ne'] },
  created: { column: 'created', type: 'datetime', ops: ['eq', 'gt', 'le', 'in', 'pr', 'isnull'] },
  groups: { column: 'groups', type: 'string[]', ops: ['ca', 'pr'] },
  'owner.name': { column: 'owner_name', type: 'string', ops: ['eq', 'ne', 'co', 'isnull'] },
  priority: LIST.priority,
});

const valuesOf = (text: string, fields: FieldMap) => resolveLeaf(parseFilter(text) as LeafNode, fields).values;

describe('validateFilter: whitelist errors', () => {
  it.each([
    [
      'foo eq "x"',
      LIST,
      'unsupported_field',
      0,
      "Unsupported filter field 'foo' at position 0; supported: id, name, priority",
    ],
    [
      'id eq "a" or Name eq "x"',
      LIST,
      'unsupported_field',
      13,
      "Unsupported filter field 'Name' at position 13; supported: id, name, priority",
    ],
    [
      'pr owner',
      LIST,
      'unsupported_field',
      3,
      "Unsupported filter field 'owner' at position 3; supported: id, name, priority",
    ],
    [
      'constructor eq 1',
      LIST,
      'unsupported_field',
      0,
      "Unsupported filter field 'constructor' at position 0; supported: id, name, priority",
    ],
    [
      'name eq "x"',
      {},
      'unsupported_field',
      0,
      "Unsupported filter field 'name' at position 0; this endpoint supports no filters",
    ],
    [
      'name co "x"',
      LIST,
      'unsupported_operator',
      5,
      "Operator 'co' is not supported for field 'name' at position 5; supported: eq, ne, ge, gt, in, le, sw",
    ],
    [
      'id lt "x"',
      LIST,
      'unsupported_operator',
      3,
      "Operator 'lt' is not supported for field 'id' at position 3; supported: eq, ne, ge, gt, in, le, sw",
    ],
    [
      'not (priority gt 1)',
      LIST,
      'unsupported_operator',
      14,
      "Operator 'gt' is not supported for field 'priority' at position 14; supported: eq, ne",
    ],
    [
      'pr name',
      LIST,
      'unsupported_operator',
      0,
      "Operator 'pr' is not supported for field 'name' at position 0; supported: eq, ne, ge, gt, in, le, sw",
    ],
    [
      'name isnull',
      LIST,
      'unsupported_operator',
      5,
      "Operator 'isnull' is not supported for field 'name' at position 5; supported: eq, ne, ge, gt, in, le, sw",
    ],
    [
      'priority eq "x"',
      LIST,
      'invalid_value',
      12,
      `Invalid value for field 'priority' at position 12: expected an integer, found "x"`,
    ],
    [
      'priority eq "10"',
      LIST,
      'invalid_value',
      12,
      `Invalid value for field 'priority' at position 12: expected an integer, found "10"`,
    ],
    [
      'priority eq 1.5',
      LIST,
      'invalid_value',
      12,
      "Invalid value for field 'priority' at position 12: expected an integer, found 1.5",
    ],
    [
      'priority eq 2147483648',
      LIST,
      'invalid_value',
      12,
      "Invalid value for field 'priority' at position 12: expected an integer, found 2147483648",
    ],
    [
      'priority eq ten',
      LIST,
      'invalid_value',
      12,
      "Invalid value for field 'priority' at position 12: expected an integer, found ten",
    ],
    [
      'amount eq 1e999',
      TYPED,
      'invalid_value',
      10,
      "Invalid value for field 'amount' at position 10: expected a number, found 1e999",
    ],
    [
      'enabled eq "true"',
      TYPED,
      'invalid_value',
      11,
      `Invalid value for field 'enabled' at position 11: expected true or false, found "true"`,
    ],
    [
      'enabled eq 1',
      TYPED,
      'invalid_value',
      11,
      "Invalid value for field 'enabled' at position 11: expected true or false, found 1",
    ],
    [
      'created gt "yesterday"',
      TYPED,
      'invalid_value',
      11,
      `Invalid value for field 'created' at position 11: expected an ISO-8601 date-time such as 2018-12-18T23:05:55Z, found "yesterday"`,
    ],
    [
      'created gt 1545174355',
      TYPED,
      'invalid_value',
      11,
      "Invalid value for field 'created' at position 11: expected an ISO-8601 date-time such as 2018-12-18T23:05:55Z, found 1545174355",
    ],
    [
      'created in (2020-01-01, "2020-02-30")',
      TYPED,
      'invalid_value',
      24,
      `Invalid value for field 'created' at position 24: expected an ISO-8601 date-time such as 2018-12-18T23:05:55Z, found "2020-02-30"`,
    ],
    [
      'name gt null',
      LIST,
      'invalid_value',
      8,
      "Invalid value for field 'name' at position 8: null is only allowed with 'eq' and 'ne' (or use 'isnull' / 'pr')",
    ],
    [
      'id in ("a", null)',
      LIST,
      'invalid_value',
      12,
      "Invalid value for field 'id' at position 12: null is only allowed with 'eq' and 'ne' (or use 'isnull' / 'pr')",
    ],
  ] as const)('%s', (text, fields, code, position, message) => {
    const detail = message.replace(` at position ${position}`, '');
    expect(() => validateFilter(parseFilter(text), fields)).toThrow(
      expect.objectContaining({ name: 'QueryError', code, position, message, detail, parameter: 'filters' }),
    );
  });

  it('reports the leftmost problem of a leaf: field, then operator, then value', () => {
    expect(() => validateFilter(parseFilter('foo co "x"'), LIST)).toThrow(/^Unsupported filter field 'foo'/);
    expect(() => validateFilter(parseFilter('priority co "x"'), LIST)).toThrow(/^Operator 'co' is not supported/);
  });

  it('accepts every well-typed filter', () => {
    for (const text of [
      'id eq 8c190e6787aa4ed9a90bd9d5344523fb',
      'name sw "Emp" and priority ne 10',
      'id in ("a", b) or not name eq x',
      'amount gt 2.5',
      'enabled eq false',
      'created gt 2018-12-18T23:05:55Z',
      'created le "2018-12-18T23:05:55Z"',
      'groups ca ("a", "b")',
      'pr groups',
      'owner.name co "smith" and created isnull',
      'priority eq null',
    ]) {
      expect(() =>
        validateFilter(parseFilter(text), text.startsWith('id') || text.startsWith('name') ? LIST : TYPED),
      ).not.toThrow();
    }
  });
});

describe('resolveLeaf: bound values', () => {
  it.each([
    ['id eq 8c190e6787aa4ed9a90bd9d5344523fb', LIST, ['8c190e6787aa4ed9a90bd9d5344523fb']],
    ['name eq 42', LIST, ['42']],
    ['name eq 1e3', LIST, ['1e3']],
    ['name eq true', LIST, ['true']],
    ['name eq 2018-12-18', LIST, ['2018-12-18']],
    ['name eq "a \\"b\\""', LIST, ['a "b"']],
    ['name eq null', LIST, [null]],
    ['priority eq -10', LIST, [-10]],
    ['amount in (1, 2.5)', TYPED, [1, 2.5]],
    ['enabled eq true', TYPED, [true]],
    ['created gt 2018-12-18', TYPED, ['2018-12-18T00:00:00Z']],
    ['created gt "2018-12-18T23:05:55.5+01:00"', TYPED, ['2018-12-18T23:05:55.5+01:00']],
    ['groups ca (a, "B")', TYPED, ['a', 'B']],
    ['pr groups', TYPED, []],
  ] as const)('%s → %j', (text, fields, values) => {
    expect(valuesOf(text, fields)).toEqual(values);
  });
});

describe('defineFieldMap', () => {
  it('rejects operators that do not suit the type', () => {
    expect(() => defineFieldMap({ p: { column: 'p', type: 'integer', ops: ['eq', 'co'] } })).toThrow(
      "Field 'p' (integer): operator(s) co not applicable",
    );
    expect(() => defineFieldMap({ g: { column: 'g', type: 'string[]', ops: ['eq'] } })).toThrow(/not applicable/);
    expect(() => defineFieldMap({ n: { column: 'n', type: 'string', ops: ['ca'] } })).toThrow(/not applicable/);
    expect(() => defineFieldMap({ n: { column: 'n', type: 'string', ops: ['eq', 'eq'] } })).toThrow(/duplicate/);
    expect(() => defineFieldMap({ n: { column: ' ', type: 'string', ops: ['eq'] } })).toThrow(/empty column/);
  });

  it('freezes the map', () => {
    expect(Object.isFrozen(LIST)).toBe(true);
    expect(Object.isFrozen(LIST.id.ops)).toBe(true);
  });
});

describe('parseValidFilter (column-free rules)', () => {
  const RULES = defineFieldMap({
    name: { type: 'string', ops: ['eq', 'sw'] },
    priority: { type: 'integer', ops: ['eq', 'ne'] },
  });

  it('returns the validated AST', () => {
    expect(parseValidFilter('name sw "Emp" and priority ne 10', RULES)).toMatchObject({ kind: 'and' });
    expect(compileFilterSafe).toBe(parseValidFilter);
  });

  it('throws syntax and whitelist errors alike', () => {
    expect(() => parseValidFilter('name EQ "x"', RULES)).toThrow(/^Syntax error at position 5/);
    expect(() => parseValidFilter('priority sw "1"', RULES)).toThrow(
      "Operator 'sw' is not supported for field 'priority' at position 9; supported: eq, ne",
    );
  });

  it('checks operators against types without columns too', () => {
    expect(() => defineFieldMap({ p: { type: 'boolean', ops: ['gt'] } })).toThrow(/not applicable/);
  });
});
