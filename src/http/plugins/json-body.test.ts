import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../errors.js';
import { JSON_SHAPE_LIMITS, jsonShapeProblem, parseJsonBody } from './json-body.js';

const LIMITS = { maxMembers: 3, maxTotalMembers: 7, maxDepth: 4 };
const keys = (n: number) => `{${Array.from({ length: n }, (_, i) => `"k${i}":${i}`).join(',')}}`;
const items = (n: number) => `[${Array.from({ length: n }, (_, i) => i).join(',')}]`;

describe('jsonShapeProblem', () => {
  it.each([
    ['an object at the limit', keys(3)],
    ['an array at the limit', items(3)],
    ['empty objects and arrays (no members)', '{"a":[],"b":{ },"c":[ [],[\n]]}'],
    ['the total at the limit', `[${keys(3)},[1,2]]`], // 2 + 3 + 2
    ['nesting at the limit', '[[[[]]]]'],
    ['structure inside strings, which is text', `{"a":"{[,:,:,:,:]}","b":"\\"{,,,,}\\\\","c":"\\\\\\"[[[[["}`],
    ['scalars only', '"a string" '],
  ])('accepts %s', (_what, text) => {
    expect(jsonShapeProblem(text, LIMITS)).toBeUndefined();
    expect(() => JSON.parse(text)).not.toThrow(); // each case is JSON
  });

  it.each([
    ['an object over the limit', keys(4), 'an object has more than 3 keys (at character 27)'],
    ['an array over the limit', items(4), 'an array holds more than 3 items (at character 7)'],
    ['an array of empty arrays over the limit', '[[],[],[],[]]', 'an array holds more than 3 items (at character 10)'],
    [
      'more members in all than the total',
      `[${keys(3)},${keys(3)}]`,
      'its objects and arrays hold more than 7 members in all (at character 44)',
    ],
    ['nesting over the limit', '[[[[[]]]]]', 'it nests objects and arrays more than 4 deep (at character 5)'],
    [
      'nesting in objects',
      '{"a":{"b":{"c":{"d":{}}}}}',
      'it nests objects and arrays more than 4 deep (at character 21)',
    ],
  ])('refuses %s, saying where', (_what, text, problem) => {
    expect(jsonShapeProblem(text, LIMITS)).toBe(problem);
  });

  it('leaves text that is not JSON to JSON.parse (an unterminated string, unbalanced brackets)', () => {
    for (const text of ['{"a":"b', ']]]]', '{"a":1}}}}', '[1,2', ':::,,,'])
      expect(jsonShapeProblem(text, LIMITS)).toBeUndefined();
  });

  it('counts a quote after an even run of backslashes as closing the string, after an odd run as text', () => {
    expect(jsonShapeProblem('["\\\\",1,2,3]', LIMITS)).toBe('an array holds more than 3 items (at character 10)');
    expect(jsonShapeProblem('["\\",1,2,3"]', LIMITS)).toBeUndefined();
  });

  it('has limits no payload of the API meets (a lookup table of 10,000 entries, 1,000 mappings, a transform 64 deep)', () => {
    expect(JSON_SHAPE_LIMITS.maxMembers).toBeGreaterThan(10_000);
    expect(JSON_SHAPE_LIMITS.maxTotalMembers).toBeGreaterThan(67_000);
    expect(JSON_SHAPE_LIMITS.maxDepth).toBeGreaterThan(64 * 3 + 10);
  });
});

describe('parseJsonBody', () => {
  afterEach(() => vi.restoreAllMocks());

  it('parses JSON, an empty body as none', () => {
    expect(parseJsonBody('{"a":[1,{"b":null}]}')).toEqual({ a: [1, { b: null }] });
    expect(parseJsonBody('  \n')).toBeUndefined();
  });

  it('refuses a body over a limit with a 400 before parsing it', () => {
    const parse = vi.spyOn(JSON, 'parse');
    const text = keys(4);
    let error: unknown;
    try {
      parseJsonBody(text, LIMITS);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      status: 400,
      message: 'The request body is refused: an object has more than 3 keys (at character 27).',
    });
    expect(parse).not.toHaveBeenCalled();
  });

  it('refuses what is not JSON with a 400 naming the problem', () => {
    expect(() => parseJsonBody('{"a":')).toThrow(/^The request body is not valid JSON: /);
  });

  it.each([
    ['a __proto__ key', '{"__proto__":{"polluted":true},"a":1}'],
    ['a __proto__ key spelled with escapes', '{"\\u005f_proto__":{"polluted":true},"a":1}'],
  ])('drops %s', (_what, text) => {
    const parsed = parseJsonBody(text) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['a']);
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['a NUL in a value', '{"name":"a\\u0000b"}', /the value of 'name' holds a NUL character/],
    [
      'a lone surrogate in a value',
      '{"name":"a\\ud800b"}',
      /the value of 'name' holds a NUL character or an unpaired surrogate/,
    ],
    ['a NUL in a key', '{"a\\u0000":1}', /a key holds a NUL character/],
  ])('refuses %s, which cannot be stored', (_what, text, says) => {
    expect(() => parseJsonBody(text)).toThrow(says);
  });

  it('keeps escapes that are stored as they are (a backslash before u, a pair of surrogates)', () => {
    expect(parseJsonBody('{"a":"\\\\u0000","b":"\\ud83d\\ude00"}')).toEqual({ a: '\\u0000', b: '😀' });
  });

  it('checks every key and value only when the text could hold what the check looks for (a \\u escape or __proto__)', () => {
    const parse = vi.spyOn(JSON, 'parse');
    parseJsonBody('{"plain":"text, ünïcode as UTF-8"}');
    parseJsonBody('{"escaped":"\\u00fc"}');
    expect(parse.mock.calls.map((call) => call.length > 1 && typeof call[1] === 'function')).toEqual([false, true]);
  });
});
