import { describe, expect, it } from 'vitest';
import { run, t } from '../test-support.js';

const nullValue = t('identityAttribute', { name: 'missing' });
const failing = t('lookup', { table: { a: 'b' } });

describe('concat and join', () => {
  it.each([
    ['concat', { values: ['a', 1, true, ' ', 2.5] }, 'a1true 2.5'],
    ['concat', { values: ['a', nullValue, 'b'] }, 'ab'],
    ['concat', { values: [nullValue] }, null],
    ['join', { values: ['a', nullValue, 'b'] }, 'a,b'],
    ['join', { values: ['x', 'y'], separator: ' | ' }, 'x | y'],
    ['join', { values: [] }, null],
  ])('%s %j → %j', (type, attrs, expected) => {
    expect(run(t(type, attrs))).toBe(expected);
  });

  it('renders literal items as templates ($identity)', () => {
    expect(run(t('concat', { values: ['$identity.getAttribute("uid")', '-x'] }), { identity: { uid: 'jd' } })).toBe(
      'jd-x',
    );
  });

  it('gives nested items the implicit input', () => {
    expect(run(t('concat', { values: [t('upper'), '/', t('lower')] }), { input: 'MiX' })).toBe('MIX/mix');
  });

  it('requires values to be a list', () => {
    expect(run(t('concat', { values: 'a' }))).toBe('COMPILE: attributes.values: attribute "values" must be a list');
  });
});

describe('firstValid', () => {
  it.each([
    [{ values: [nullValue, '', 'x'] }, ''],
    [{ values: [nullValue, nullValue] }, null],
    [{ values: [failing, 'fallback'] }, 'ERROR: no table entry for a null input and no default'],
    [{ values: [failing, 'fallback'], ignoreErrors: true }, 'fallback'],
    [{ values: [failing, 'fallback'], ignoreErrors: 'true' }, 'fallback'],
    [{ values: [failing], ignoreErrors: true }, null],
  ])('%j → %j', (attrs, expected) => {
    expect(run(t('firstValid', attrs))).toBe(expected);
  });

  it('stops at the first hit (later items are not evaluated)', () => {
    expect(run(t('firstValid', { values: ['ok', failing] }))).toBe('ok');
  });

  it('treats an empty account list value as no value', () => {
    const aa = t('accountAttribute', { sourceName: 'S', attributeName: 'groups' });
    const accounts = [{ sourceName: 'S', attributes: { groups: [] } }];
    expect(run(t('firstValid', { values: [aa, 'none'] }), { accounts })).toBe('none');
  });

  it('rejects a bad ignoreErrors', () => {
    expect(run(t('firstValid', { values: [], ignoreErrors: 'yes' }))).toBe(
      'COMPILE: attributes.ignoreErrors: "ignoreErrors" must be true or false',
    );
  });
});

describe('lookup', () => {
  const table = { a: 'A', B: 'bee', '': 'empty', default: 'D' };
  it.each([
    ['a', 'A'],
    ['b', 'D'],
    ['', 'empty'],
    [null, 'D'],
  ])('%j → %j', (input, expected) => {
    expect(run(t('lookup', { table }), { input })).toBe(expected);
  });

  it('fails on a miss without default, also for null input', () => {
    expect(run(t('lookup', { table: { a: 'A' } }), { input: 'z' })).toBe(
      'ERROR: no table entry for "z" and no default',
    );
    expect(run(t('lookup', { table: { a: 'A' } }), { input: null })).toBe(
      'ERROR: no table entry for a null input and no default',
    );
  });

  it('allows several keys with the same value', () => {
    expect(run(t('lookup', { table: { 713: 'Houston', 832: 'Houston' } }), { input: '832' })).toBe('Houston');
  });

  it('rejects a table that is not an object', () => {
    expect(run(t('lookup', { table: ['a'] }))).toMatch(
      /^COMPILE: attributes.table: attribute "table" must be an object/,
    );
  });
});
