import { describe, expect, it } from 'vitest';
import { run, t } from '../test-support.js';

describe('replace / replaceAll (Java regex and replacement syntax)', () => {
  it.each([
    [{ regex: '(\\w+)@(\\w+)', replacement: '$2:$1' }, 'jd@acme', 'acme:jd'],
    [{ regex: '(?<user>\\w+)@', replacement: '${user} at ' }, 'jd@acme', 'jd at acme'],
    [{ regex: 'a', replacement: '\\$' }, 'banana', 'b$n$n$'],
    [{ regex: '', replacement: '-' }, 'abc', '-a-b-c-'],
    [{ regex: '\\p{InCombiningDiacriticalMarks}', replacement: '' }, 'e\u0301', 'e'],
    [{ regex: '[\\p{Punct}]', replacement: '' }, 'a.b,c!', 'abc'],
    [{ regex: '\\u00e9', replacement: 'e' }, 'café', 'cafe'],
    [{ regex: '\\Q.\\E', replacement: '-' }, 'a.b', 'a-b'],
    [{ regex: '(?i)IIQ', replacement: 'ISC' }, 'iiq', 'ISC'],
    [{ regex: 'x', replacement: 'y' }, null, null],
  ])('%j on %j → %j', (attrs, input, expected) => {
    expect(run(t('replace', attrs), { input })).toBe(expected);
  });

  it.each([
    ['(a)\\1', 'backreferences are not supported'],
    ['a(?=b)', 'lookahead is not supported'],
    ['a++', 'possessive quantifiers are not supported'],
    ['(?>a)', 'atomic groups are not supported'],
    ['[a-z&&[^b]]', 'character class intersection (&&) is not supported'],
    ['(', 'invalid regular expression'],
  ])('rejects %j at compile time', (regex, message) => {
    expect(run(t('replace', { regex, replacement: '' }))).toContain(message);
  });

  it('rejects bad group references in the replacement', () => {
    expect(run(t('replace', { regex: 'a', replacement: '$1' }))).toContain('no group 1');
    expect(run(t('replace', { regex: 'a', replacement: '$x' }))).toContain('illegal group reference');
  });

  it('applies a table in order; missing table leaves the value', () => {
    expect(run(t('replaceAll', { table: { a: 'b', b: 'c' } }), { input: 'ab' })).toBe('cc');
    expect(run(t('replaceAll', {}), { input: 'same' })).toBe('same');
  });

  it('compiles a dynamic regex at run time', () => {
    const def = t('replace', { regex: t('static', { value: '[0-9]+' }), replacement: '#' });
    expect(run(def, { input: 'a12b3' })).toBe('a#b#');
    const bad = t('replace', { regex: t('static', { value: '(a)\\1' }), replacement: '#' });
    expect(run(bad, { input: 'aa' })).toBe('ERROR: backreferences are not supported');
  });

  it('treats "input": "" as absent (implicit input)', () => {
    expect(run(t('replaceAll', { input: '', table: { '-': ' ' } }), { input: 'a-b' })).toBe('a b');
  });
});

describe('split (Java String.split)', () => {
  it.each([
    [{ delimiter: ',', index: 1 }, 'a,b,,', 'b'],
    [{ delimiter: ',', index: 2, throws: false }, 'a,b,,', null],
    [{ delimiter: ',', index: 0 }, ',a', ''],
    [{ delimiter: '', index: 0 }, 'abc', 'a'],
    [{ delimiter: '\\.', index: 1 }, 'j.doe', 'doe'],
    [{ delimiter: '.', index: 0, throws: 'false' }, 'j.doe', null],
    [{ delimiter: ':', index: 0 }, '', ''],
    [{ delimiter: ':', index: -1, throws: false }, 'a:b', null],
    [{ delimiter: ':', index: 3 }, 'a:b', 'ERROR: index 3 out of bounds for 2 pieces (IndexOutOfBoundsException)'],
    [{ delimiter: ':', index: 0 }, null, null],
  ])('%j on %j → %j', (attrs, input, expected) => {
    expect(run(t('split', attrs), { input })).toBe(expected);
  });
});
