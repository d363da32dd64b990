import { describe, expect, it } from 'vitest';
import { MAX_FILTER_DEPTH, parseFilter } from './parser.js';

/** [filter, position, detail] — message is always `Syntax error at position N: detail`. */
const ERRORS: ReadonlyArray<readonly [string, number, string]> = [
  ['', 0, 'the filter is empty'],
  ['   ', 0, 'the filter is empty'],
  ['name EQ "x"', 5, "expected an operator after 'name', found 'EQ' (operators are lower-case)"],
  ['name Sw "x"', 5, "expected an operator after 'name', found 'Sw' (operators are lower-case)"],
  ['name equals "x"', 5, "expected an operator after 'name', found 'equals'"],
  ['name', 4, "expected an operator after 'name', found end of filter"],
  ['name "x"', 5, `expected an operator after 'name', found "x"`],
  ['name eq', 7, "expected a value after 'eq', found end of filter"],
  ['name eq )', 8, "expected a value after 'eq', found ')'"],
  ['name eq and', 8, "expected a value after 'eq', found 'and' (quote it to use 'and' as a string)"],
  ['name eq co', 8, "expected a value after 'eq', found 'co' (quote it to use 'co' as a string)"],
  ['name eq "x" AND b eq 1', 12, "expected 'and', 'or' or end of filter, found 'AND' (operators are lower-case)"],
  ['name eq "x" Or b eq 1', 12, "expected 'and', 'or' or end of filter, found 'Or' (operators are lower-case)"],
  [
    'name eq John Smith',
    13,
    "expected 'and', 'or' or end of filter, found 'Smith' (values that contain spaces must be quoted)",
  ],
  ['name eq "x")', 11, "expected 'and', 'or' or end of filter, found ')'"],
  ['(name eq "x"', 12, "expected 'and', 'or' or ')' to close the '(' at position 0, found end of filter"],
  [
    '(a eq 1 b eq 2)',
    8,
    "expected 'and', 'or' or ')' to close the '(' at position 0, found 'b' (values that contain spaces must be quoted)",
  ],
  ['()', 1, "expected a field name, '(' or 'not', found ')'"],
  ['a eq 1 and', 10, "expected a field name, '(' or 'not', found end of filter"],
  ['a eq 1 or or b eq 2', 10, "expected a field name, found 'or'"],
  ['NOT a eq 1', 0, "expected a field name, found 'NOT' (operators are lower-case)"],
  ['PR owner', 0, "expected a field name, found 'PR' (operators are lower-case)"],
  ['"name" eq "x"', 0, `expected a field name, found "name" (field names are not quoted)`],
  [', a eq 1', 0, "expected a field name, '(' or 'not', found ','"],
  ['1name eq "x"', 0, "invalid field name '1name'"],
  ['owner..id eq "x"', 0, "invalid field name 'owner..id'"],
  ['name-x eq "x"', 0, "invalid field name 'name-x'"],
  ['pr', 2, "expected a field name after 'pr', found end of filter"],
  ['pr "owner"', 3, `expected a field name after 'pr', found "owner" (field names are not quoted)`],
  ['owner pr', 6, "'pr' is a prefix operator: write 'pr owner'"],
  ['owner ISNULL', 6, "expected an operator after 'owner', found 'ISNULL' (operators are lower-case)"],
  ['id in "a"', 6, `expected '(' after 'in', found "a" (write in ("a", "b"))`],
  ['id in ()', 7, "expected a value after 'in (', found ')'"],
  ['id in ("a",)', 11, "expected a value after ',', found ')'"],
  ['id in ("a" "b")', 11, `expected ',' or ')' in the 'in' list, found "b"`],
  ['id in ("a"', 10, "expected ',' or ')' in the 'in' list, found end of filter"],
  ['groups ca "x"', 10, `expected '(' after 'ca', found "x" (write ca ("a", "b"))`],
  ['name eq "abc', 8, 'unterminated string (missing closing ")'],
  ['name eq "a\\nb"', 10, "unsupported escape '\\n' in string (only \\\" and \\\\ are allowed)"],
  ['name eq "a\\', 10, 'unsupported escape end of filter in string (only \\" and \\\\ are allowed)'],
  ['name eq "a\u0000b"', 10, 'the filter contains a NUL character'],
  ['created gt 2018-13-01T00:00:00Z', 11, "invalid date-time '2018-13-01T00:00:00Z'"],
  ['created gt 2023-02-29', 11, "invalid date-time '2023-02-29'"],
  ['created gt 2018-12-18T24:00:00Z', 11, "invalid date-time '2018-12-18T24:00:00Z'"],
  ['created gt 2018-12-18T23:05:55+25:00', 11, "invalid date-time '2018-12-18T23:05:55+25:00'"],
];

describe('parseFilter: syntax errors', () => {
  it.each(ERRORS)('%j → position %i', (text, position, detail) => {
    const message = `Syntax error at position ${position}: ${detail}`;
    expect(() => parseFilter(text)).toThrow(
      expect.objectContaining({ name: 'QueryError', code: 'syntax', parameter: 'filters', position, detail, message }),
    );
  });

  it('rejects nesting deeper than MAX_FILTER_DEPTH without overflowing the stack', () => {
    const ok = `${'('.repeat(MAX_FILTER_DEPTH)}a eq 1${')'.repeat(MAX_FILTER_DEPTH)}`;
    expect(() => parseFilter(ok)).not.toThrow();
    const deep = `${'('.repeat(10_000)}a eq 1${')'.repeat(10_000)}`;
    expect(() => parseFilter(deep)).toThrow(expect.objectContaining({ code: 'syntax', position: MAX_FILTER_DEPTH }));
    const nots = `${'not '.repeat(10_000)}a eq 1`;
    expect(() => parseFilter(nots)).toThrow(expect.objectContaining({ position: MAX_FILTER_DEPTH * 4 }));
  });
});
