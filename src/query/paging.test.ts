import { describe, expect, it } from 'vitest';
import { parsePaging } from './paging.js';

describe('parsePaging', () => {
  it.each([
    [{}, undefined, { limit: 250, offset: 0, count: false }],
    [{ limit: '20', offset: '40', count: 'true' }, undefined, { limit: 20, offset: 40, count: true }],
    [{ limit: '0' }, undefined, { limit: 0, offset: 0, count: false }],
    [{ limit: '250', count: 'FALSE' }, undefined, { limit: 250, offset: 0, count: false }],
    [{ limit: 7, offset: 3, count: true }, undefined, { limit: 7, offset: 3, count: true }],
    [{ limit: '', offset: '', count: '' }, undefined, { limit: 250, offset: 0, count: false }],
    [{ limit: null, offset: null, count: null }, undefined, { limit: 250, offset: 0, count: false }],
    [{ count: 'True' }, undefined, { limit: 250, offset: 0, count: true }],
    [{ offset: '2147483647' }, undefined, { limit: 250, offset: 2147483647, count: false }],
    [{ limit: '10000' }, { maxLimit: 10000 }, { limit: 10000, offset: 0, count: false }],
    [{}, { maxLimit: 10000 }, { limit: 250, offset: 0, count: false }],
    [{}, { maxLimit: 50 }, { limit: 50, offset: 0, count: false }],
    [{}, { defaultLimit: 25 }, { limit: 25, offset: 0, count: false }],
  ] as const)('%j %j', (input, options, expected) => {
    expect(parsePaging(input, options)).toEqual(expected);
  });

  it.each([
    [{ limit: '251' }, 'limit', "Invalid limit '251': limit must be an integer between 0 and 250"],
    [{ limit: '-1' }, 'limit', "Invalid limit '-1': limit must be an integer between 0 and 250"],
    [{ limit: '1.5' }, 'limit', "Invalid limit '1.5': limit must be an integer between 0 and 250"],
    [{ limit: 'ten' }, 'limit', "Invalid limit 'ten': limit must be an integer between 0 and 250"],
    [{ limit: ' 5' }, 'limit', "Invalid limit ' 5': limit must be an integer between 0 and 250"],
    [{ limit: '1e2' }, 'limit', "Invalid limit '1e2': limit must be an integer between 0 and 250"],
    [{ limit: 2.5 }, 'limit', "Invalid limit '2.5': limit must be an integer between 0 and 250"],
    [
      { limit: ['1', '2'] },
      'limit',
      'Invalid limit a repeated or structured value: limit must be an integer between 0 and 250',
    ],
    [{ offset: '-5' }, 'offset', "Invalid offset '-5': offset must be an integer between 0 and 2147483647"],
    [
      { offset: '2147483648' },
      'offset',
      "Invalid offset '2147483648': offset must be an integer between 0 and 2147483647",
    ],
    [{ offset: 'x' }, 'offset', "Invalid offset 'x': offset must be an integer between 0 and 2147483647"],
    [{ count: 'yes' }, 'count', "Invalid count 'yes': count must be true or false"],
    [{ count: 1 }, 'count', "Invalid count '1': count must be true or false"],
  ] as const)('%j → 400 on %s', (input, parameter, message) => {
    expect(() => parsePaging(input)).toThrow(
      expect.objectContaining({ name: 'QueryError', code: 'invalid_paging', parameter, message, position: undefined }),
    );
  });

  it('honours a larger maximum', () => {
    expect(() => parsePaging({ limit: '10001' }, { maxLimit: 10000 })).toThrow(
      expect.objectContaining({ detail: 'limit must be an integer between 0 and 10000' }),
    );
  });
});
