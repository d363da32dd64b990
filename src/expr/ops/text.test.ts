import { describe, expect, it } from 'vitest';
import { run, t } from '../test-support.js';

describe('text operations', () => {
  it.each([
    ['lower', {}, 'ÀBC Straße', 'àbc straße'],
    ['upper', {}, 'straße', 'STRASSE'],
    ['upper', {}, null, null],
    ['trim', {}, '\u0000 a b \u001f', 'a b'],
    ['trim', {}, '\u00a0x\u00a0', '\u00a0x\u00a0'],
    ['base64Encode', {}, 'héllo', 'aMOpbGxv'],
    ['base64Decode', {}, 'aMOpbGxv', 'héllo'],
    ['base64Decode', {}, 'MTIzNA', '1234'],
    ['base64Decode', {}, 'not base64!', 'ERROR: input is not valid Base64'],
    ['decomposeDiacriticalMarks', {}, 'Ørjan Łukasz Müller Ñ', 'Ørjan Łukasz Muller N'],
    ['decomposeDiacriticalMarks', {}, null, null],
    ['leftPad', { length: 8, padding: 'ab' }, '123', 'ababa123'],
    ['rightPad', { length: '6.0', padding: '-' }, 'abc', 'abc---'],
    ['leftPad', { length: 2 }, 'abc', 'abc'],
    ['rightPad', { length: '8' }, null, null],
    ['indexOf', { substring: '' }, 'abc', '0'],
    ['lastIndexOf', { substring: '' }, 'abc', '3'],
    ['indexOf', { substring: 'é' }, 'café', '3'],
    ['lastIndexOf', { substring: 'x' }, null, null],
  ])('%s %j on %j → %j', (type, attrs, input, expected) => {
    expect(run(t(type, attrs), { input })).toBe(expected);
  });

  it.each([
    [{ begin: 0, end: 3 }, 'abcdef', 'abc'],
    [{ begin: '2', end: '4.0' }, 'abcdef', 'cd'],
    [{ begin: -1, beginOffset: 3 }, 'abcdef', 'abcdef'],
    [{ begin: 4, end: -1, endOffset: 5 }, 'abcdef', 'ef'],
    [{ start: 5, end: 7 }, '2023-12-13', '12'],
    [{ begin: 2, end: 10 }, 'abcdef', 'ERROR: substring(2, 10) is out of range for a text of length 6'],
    [{ begin: 4, end: 2 }, 'abcdef', 'ERROR: substring(4, 2) is out of range for a text of length 6'],
    [{ begin: 0, end: 1 }, '😀x', '\ud83d'],
    [{ begin: 1 }, null, null],
  ])('substring %j on %j → %j', (attrs, input, expected) => {
    expect(run(t('substring', attrs), { input })).toBe(expected);
  });

  it('rejects a non-integer constant and a missing required attribute at compile time', () => {
    expect(run(t('substring', { begin: 'x' }))).toBe('COMPILE: attributes.begin: expected an integer');
    expect(run(t('leftPad', {}))).toBe('COMPILE: attributes.length: attribute "length" is required');
    expect(run(t('indexOf', {}))).toBe('COMPILE: attributes.substring: attribute "substring" is required');
  });

  it('fails when a dynamic integer is not a number', () => {
    const def = t('substring', { begin: t('static', { value: 'abc' }) });
    expect(run(def, { input: 'hello' })).toBe('ERROR: expected an integer, got "abc"');
  });

  it('bounds padding to the string limit', () => {
    expect(run(t('leftPad', { length: 10_000_000 }), { input: 'x' })).toMatch(/^ERROR: length 10000000 exceeds/);
  });

  it('getEndOfString (rule): last N, whole string, longer → null', () => {
    const csdu = (numChars: unknown) =>
      t('rule', { name: 'Cloud Services Deployment Utility', operation: 'getEndOfString', numChars });
    expect(run(csdu('3'), { input: 'abcdef' })).toBe('def');
    expect(run(csdu(6), { input: 'abcdef' })).toBe('abcdef');
    expect(run(csdu('7'), { input: 'abcdef' })).toBeNull();
    expect(run(csdu('2'), { input: null })).toBeNull();
  });

  it('a list input is handled as its Java text', () => {
    expect(run(t('upper'), { input: ['a', 'b'] })).toBe('[A, B]');
  });
});
