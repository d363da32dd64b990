import { describe, expect, it } from 'vitest';
import { run, t } from '../test-support.js';

const now = new Date('2024-05-10T15:42:10.000Z');
const fmt = (input: string | null, inputFormat: string | undefined, outputFormat: string | undefined) =>
  run(t('dateFormat', { inputFormat, outputFormat }), { input, now });

describe('dateFormat', () => {
  it.each([
    ['2024-02-05', 'yyyy-MM-dd', 'dd MMMM yyyy', '05 February 2024'],
    ['2024-02-05T13:04:05Z', 'ISO8601', 'EEE, d MMM yyyy HH:mm:ss Z', 'Mon, 5 Feb 2024 13:04:05 +0000'],
    [
      '2024-02-05T13:04:05Z',
      undefined,
      'hh:mm a, EEEE, D, u, k, K, F, W, w, zzz, XXX',
      '01:04 PM, Monday, 36, 1, 13, 1, 1, 2, 6, UTC, Z',
    ],
    ['2024-02-05T00:04:05Z', undefined, "h 'o''clock' a k", "12 o'clock AM 24"],
    ['2/30/2021', 'M/d/yyyy', 'yyyy-MM-dd', '2021-03-02'],
    ['01/02/45', 'MM/dd/yy', 'yyyy', '1945'],
    ['01/02/30', 'MM/dd/yy', 'yyyy', '2030'],
    ['2023-06-15', 'YYYY-MM-dd', 'yyyy-MM-dd', '2023-01-01'],
    ['2024-06-15', 'YYYY-MM-dd', 'yyyy-MM-dd', '2023-12-31'],
    ['2023-12-31', 'yyyy-MM-dd', 'YYYY ww yyyy', '2024 01 2023'],
    ['20231213', 'yyyyMMdd', 'yyyy-MM-dd', '2023-12-13'],
    ['20200101120000', 'yyyyMMddHHmmss', 'ISO8601', '2020-01-01T12:00:00.000Z'],
    ['2020-10-28T12:00:00+02:00', 'ISO8601', 'ISO8601', '2020-10-28T10:00:00.000Z'],
    ['2020-10-28T12:00:00.5-0130', 'ISO8601', 'ISO8601', '2020-10-28T13:30:00.500Z'],
    ['2020-10-28', 'ISO8601', 'ISO8601', '2020-10-28T00:00:00.000Z'],
    ['1974-08-02T02:30:32.190-00', 'ISO8601', 'EPOCH_TIME_JAVA', '144642632190'],
    ['2020-01-01T12:00:00Z', 'ISO8601', 'LDAP', '20200101120000.+0000'],
    ['20200101120000.0Z', 'LDAP', 'ISO8601', '2020-01-01T12:00:00.000Z'],
    ['20200101120000.+0000', 'ldap', 'PEOPLE_SOFT', '01/01/2020'],
    ['jan 15 2021, 8:30 pm', 'MMM dd yyyy, h:mm a', 'ISO8601', '2021-01-15T20:30:00.000Z'],
    ['2023-11-01T10:00:00Z', 'yyyy-MM-dd', 'ISO8601', '2023-11-01T00:00:00.000Z'],
    ['2024-03-10 10:00 PST', 'yyyy-MM-dd HH:mm z', 'ISO8601', '2024-03-10T18:00:00.000Z'],
    ['2024-03-10 10:00 +05:30', 'yyyy-MM-dd HH:mm XXX', 'HH:mm', '04:30'],
    ['-1000', 'EPOCH_TIME_JAVA', 'ISO8601', '1969-12-31T23:59:59.000Z'],
    ['116444736000000000', 'EPOCH_TIME_WIN32', 'ISO8601', '1970-01-01T00:00:00.000Z'],
    [null, 'ISO8601', 'ISO8601', null],
  ])('%j %s → %s = %j', (input, inputFormat, outputFormat, expected) => {
    expect(fmt(input, inputFormat, outputFormat)).toBe(expected);
  });

  it.each([
    ['not a date', 'ISO8601'],
    ['2021-13-01T00:00:00Z', 'ISO8601'],
    ['now', 'ISO8601'],
    ['12/xx/2020', 'MM/dd/yyyy'],
    ['', 'yyyy'],
  ])('fails on %j read as %s', (input, inputFormat) => {
    expect(fmt(input, inputFormat, 'ISO8601')).toMatch(/^ERROR: ".*" is not a date in the input format$/);
  });

  it('rejects an illegal pattern when compiling', () => {
    expect(fmt('x', 'yyyy-MM-ddTHH:mm', 'ISO8601')).toContain(
      'COMPILE: attributes.inputFormat: invalid date format "yyyy-MM-ddTHH:mm": illegal pattern character \'T\'',
    );
    expect(fmt('x', 'ISO8601', "yyyy 'open")).toContain('unterminated quote');
  });
});

describe('dateMath', () => {
  const math = (expression: string, input: string | null, roundUp = false) =>
    run(t('dateMath', { expression, roundUp }), { input, now });
  it.each([
    ['+1M', '2024-01-31T10:00:00Z', false, '2024-02-29T10:00'],
    ['+1y', '2024-02-29T00:00:00.000Z', false, '2025-02-28T00:00'],
    ['-1M', '2024-03-31T00:00:00Z', false, '2024-02-29T00:00'],
    ['-1d/M', '2024-03-15T10:00:00Z', true, '2024-04-01T00:00'],
    ['/y', '2024-03-15T10:00:00Z', false, '2024-01-01T00:00'],
    ['+1d', '2024-01-01', false, '2024-01-02T00:00'],
    ['+1h', '2024-01-01T23:30', false, '2024-01-02T00:30'],
    ['now/y', null, false, '2024-01-01T00:00'],
    ['now-1w+2m/m', 'ignored', true, '2024-05-03T15:45'],
    ['+1d', null, false, null],
    ['+1d', '05/10/2024', false, 'ERROR: "05/10/2024" is not an ISO 8601 date'],
  ])('%s on %j (roundUp %s) → %j', (expression, input, roundUp, expected) => {
    expect(math(expression, input, roundUp)).toBe(expected);
  });

  it.each(['', '+1x', 'now+', 'now/w', 'tomorrow', '+1d/'])('rejects %j when compiling', (expression) => {
    expect(math(expression, '2024-01-01')).toMatch(/^COMPILE: attributes\.expression: /);
  });
});

describe('dateCompare', () => {
  const cmp = (firstDate: unknown, secondDate: unknown, operator: string) =>
    run(t('dateCompare', { firstDate, secondDate, operator, positiveCondition: 'yes', negativeCondition: 'no' }), {
      now,
    });
  it.each([
    ['2024-01-01T00:00', '2024-01-01T00:00:00Z', 'gte', 'yes'],
    ['2024-01-01T01:00:00+01:00', '2024-01-01T00:00:00Z', 'GT', 'no'],
    ['now', '2024-05-10T15:42:10Z', 'lte', 'yes'],
    ['2030-01-01', 'NOW', 'Gt', 'yes'],
    [t('identityAttribute', { name: 'none' }), 'now', 'LT', 'ERROR: date is null'],
    ['05/10/2024', 'now', 'LT', 'ERROR: "05/10/2024" is not an ISO 8601 date'],
  ])('%j %s %j → %j', (a, b, op, expected) => {
    expect(cmp(a, b, op)).toBe(expected);
  });

  it('rejects an unknown operator', () => {
    expect(cmp('now', 'now', 'EQ')).toBe('COMPILE: attributes.operator: operator must be LT, LTE, GT or GTE');
  });
});
