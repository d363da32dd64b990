import { describe, expect, it } from 'vitest';
import type { ComparisonNode, ListNode, LiteralNode } from './ast.js';
import { formatFilter } from './format.js';
import { parseFilter } from './parser.js';

/** [input, fully parenthesised form] */
const STRUCTURE: ReadonlyArray<readonly [string, string]> = [
  ['not a eq 1 or b eq 2 and c eq 3', '(not (a eq 1)) or ((b eq 2) and (c eq 3))'],
  ['a eq 1 and b eq 2 or c eq 3', '((a eq 1) and (b eq 2)) or (c eq 3)'],
  ['a eq 1 or b eq 2 or c eq 3', '(a eq 1) or (b eq 2) or (c eq 3)'],
  ['a eq 1 and b eq 2 and c eq 3', '(a eq 1) and (b eq 2) and (c eq 3)'],
  ['a eq 1 and (b eq 2 or c eq 3)', '(a eq 1) and ((b eq 2) or (c eq 3))'],
  ['not (a eq 1 and b eq 2)', 'not ((a eq 1) and (b eq 2))'],
  ['not not a eq 1', 'not (not (a eq 1))'],
  ['((a eq 1))', 'a eq 1'],
  ['pr owner', 'pr owner'],
  ['not pr owner and lastUsed isnull', '(not (pr owner)) and (lastUsed isnull)'],
  ['id in ("a","b")', 'id in ("a", "b")'],
  ['id in ( "a" , b , 3 )', 'id in ("a", b, 3)'],
  ['groups ca ("x","y")', 'groups ca ("x", "y")'],
  ['owner.id eq "2c9180a4"', 'owner.id eq "2c9180a4"'],
  ['created gt 2018-12-18T23:05:55Z', 'created gt 2018-12-18T23:05:55Z'],
  ['name eq"x"and(b eq 1)', '(name eq "x") and (b eq 1)'],
  ['  a\teq\n1  ', 'a eq 1'],
  ['a eq 1 and not b eq 2 or not (c eq 3)', '((a eq 1) and (not (b eq 2))) or (not (c eq 3))'],
];

const OPERATORS = ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'co', 'sw'] as const;

function comparison(text: string): ComparisonNode {
  const node = parseFilter(text);
  if (node.kind !== 'comparison') throw new Error(`expected a comparison, got ${node.kind}`);
  return node;
}

const literalOf = (text: string): LiteralNode => comparison(`f eq ${text}`).value;

describe('parseFilter: structure and precedence', () => {
  it.each(STRUCTURE)('%s  ≡  %s', (input, expected) => {
    expect(formatFilter(parseFilter(input))).toBe(expected);
    // the canonical form parses back to the same tree
    expect(formatFilter(parseFilter(expected))).toBe(expected);
  });

  it.each(OPERATORS)('binary operator %s', (op) => {
    expect(comparison(`name ${op} "x"`)).toMatchObject({ operator: op, field: { name: 'name' } });
  });

  it('flattens and/or chains and records positions', () => {
    expect(parseFilter('a eq 1 and b eq 2 and c eq 3')).toMatchObject({
      kind: 'and',
      position: 0,
      operands: [{ position: 0 }, { position: 11 }, { position: 22 }],
    });
  });

  it('records field, operator and value positions', () => {
    expect(comparison('  name sw "Emp"')).toMatchObject({
      position: 2,
      field: { name: 'name', position: 2 },
      operatorPosition: 7,
      value: { position: 10 },
    });
    expect(parseFilter('pr owner')).toMatchObject({ kind: 'present', operatorPosition: 0, field: { position: 3 } });
    expect(parseFilter('x isnull')).toMatchObject({ kind: 'isnull', operatorPosition: 2, field: { position: 0 } });
    expect(parseFilter('not (a eq 1)')).toMatchObject({ kind: 'not', position: 0, operand: { position: 5 } });
  });

  it('parses in/ca lists with their values', () => {
    const node = parseFilter('id in ("a", 8c19, 7)') as ListNode;
    expect(node).toMatchObject({ kind: 'list', operator: 'in', operatorPosition: 3 });
    expect(node.values.map((v) => [v.type, v.value, v.position])).toEqual([
      ['string', 'a', 7],
      ['word', '8c19', 12],
      ['number', 7, 18],
    ]);
    expect(parseFilter('groups ca ("x")')).toMatchObject({ kind: 'list', operator: 'ca', values: [{ value: 'x' }] });
  });

  it('produces frozen nodes', () => {
    const node = parseFilter('a eq 1 or b eq 2');
    expect(Object.isFrozen(node)).toBe(true);
    expect(Object.isFrozen((node as { operands: unknown }).operands)).toBe(true);
  });
});

describe('parseFilter: literals', () => {
  it.each([
    ['"John"', 'string', 'John'],
    ['"say \\"hi\\""', 'string', 'say "hi"'],
    ['"back\\\\slash"', 'string', 'back\\slash'],
    ['"a,b (c) and d"', 'string', 'a,b (c) and d'],
    ['""', 'string', ''],
    ['"EQ"', 'string', 'EQ'],
    ['8c190e6787aa4ed9a90bd9d5344523fb', 'word', '8c190e6787aa4ed9a90bd9d5344523fb'],
    ['john.doe@example.com', 'word', 'john.doe@example.com'],
    ['EQ', 'word', 'EQ'],
    ['10', 'number', 10],
    ['-5', 'number', -5],
    ['2.5', 'number', 2.5],
    ['1e3', 'number', 1000],
    ['true', 'boolean', true],
    ['false', 'boolean', false],
    ['null', 'null', null],
    ['2018-12-18T23:05:55Z', 'datetime', '2018-12-18T23:05:55Z'],
    ['2018-12-18t23:05:55z', 'datetime', '2018-12-18T23:05:55Z'],
    ['2018-12-18T23:05:55.123456Z', 'datetime', '2018-12-18T23:05:55.123456Z'],
    ['2018-12-18T23:05:55+01:00', 'datetime', '2018-12-18T23:05:55+01:00'],
    ['2018-12-18T23:05:55-0530', 'datetime', '2018-12-18T23:05:55-0530'],
    ['2018-12-18T23:05', 'datetime', '2018-12-18T23:05:00Z'],
    ['2018-12-18', 'datetime', '2018-12-18T00:00:00Z'],
    ['2024-02-29T00:00:00Z', 'datetime', '2024-02-29T00:00:00Z'],
    ['0050-01-01', 'datetime', '0050-01-01T00:00:00Z'],
  ] as const)('%s is a %s literal', (text, type, value) => {
    expect(literalOf(text)).toMatchObject({ type, value, raw: text, position: 5 });
  });

  it('keeps quoted and unquoted ids apart only by type', () => {
    expect(literalOf('"8c190e67"')).toMatchObject({ type: 'string', value: '8c190e67' });
    expect(literalOf('8c190e67')).toMatchObject({ type: 'word', value: '8c190e67' });
  });
});
