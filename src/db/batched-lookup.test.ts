import { describe, expect, it } from 'vitest';
import { batchedLookup } from './batched-lookup.js';

/** A loader that records each batch it is asked for and answers from `data` as it is at query time. */
function recording(data: Map<string, number>) {
  const batches: string[][] = [];
  const load = batchedLookup(async (keys: string[]) => {
    batches.push(keys);
    return new Map(keys.filter((k) => data.has(k)).map((k) => [k, data.get(k)!]));
  }, 3);
  return { batches, load };
}

describe('batchedLookup', () => {
  it('answers the calls of one turn with one query, each call its own key', async () => {
    const { batches, load } = recording(
      new Map([
        ['a', 1],
        ['b', 2],
      ]),
    );
    const answers = await Promise.all([load('a'), load('b'), load('a'), load('missing')]);
    expect(answers).toEqual([1, 2, 1, undefined]);
    expect(batches).toEqual([['a', 'b', 'missing']]);
  });

  it('is not a cache: a call after a batch was sent reads again and sees a newer write', async () => {
    const data = new Map([['a', 1]]);
    const { batches, load } = recording(data);
    expect(await load('a')).toBe(1);
    data.set('a', 2); // another node commits a write
    expect(await load('a')).toBe(2);
    expect(batches).toEqual([['a'], ['a']]);
  });

  it('starts another batch when one is full', async () => {
    const { batches, load } = recording(
      new Map([
        ['a', 1],
        ['b', 2],
        ['c', 3],
        ['d', 4],
      ]),
    );
    expect(await Promise.all(['a', 'b', 'c', 'd'].map(load))).toEqual([1, 2, 3, 4]);
    expect(batches).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('fails every call of a batch whose query fails, and the next batch runs normally', async () => {
    let fail = true;
    const load = batchedLookup(async (keys: string[]) => {
      if (fail) throw new Error('connection lost');
      return new Map(keys.map((k) => [k, k.toUpperCase()]));
    });
    const results = await Promise.allSettled([load('a'), load('b')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await load('a')).toBe('A');
  });

  it("when a key may have caused the failure, looks each key up alone: only that key's callers fail", async () => {
    const batches: string[][] = [];
    const load = batchedLookup(
      async (keys: string[]) => {
        batches.push(keys);
        if (keys.includes('bad')) throw Object.assign(new Error('invalid byte sequence'), { code: '22021' });
        return new Map(keys.map((k) => [k, k.toUpperCase()]));
      },
      200,
      (e) => (e as { code?: string }).code === '22021',
    );
    const results = await Promise.allSettled([load('a'), load('bad'), load('b'), load('bad')]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'rejected'))).toEqual([
      'A',
      'rejected',
      'B',
      'rejected',
    ]);
    expect(batches).toEqual([['a', 'bad', 'b'], ['a'], ['bad'], ['b']]);
  });

  it('any other failure fails the whole batch at once (no query per key)', async () => {
    let queries = 0;
    const load = batchedLookup(
      async () => {
        queries++;
        throw new Error('connection lost');
      },
      200,
      (e) => (e as { code?: string }).code === '22021',
    );
    const results = await Promise.allSettled([load('a'), load('b'), load('c')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(queries).toBe(1);
  });
});
