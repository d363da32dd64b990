import { describe, expect, it } from 'vitest';
import { batchedCalls } from './batched-calls.js';

describe('batchedCalls', () => {
  it('runs the calls of one turn together, answering each in order; later calls form the next batch', async () => {
    const batches: number[][] = [];
    const double = batchedCalls(async (xs: number[]) => {
      batches.push(xs);
      return xs.map((x) => x * 2);
    }, 3);
    expect(await Promise.all([1, 2, 3, 4].map(double))).toEqual([2, 4, 6, 8]);
    expect(await double(5)).toBe(10);
    expect(batches).toEqual([[1, 2, 3], [4], [5]]);
  });

  it('fails every call of a failed batch', async () => {
    const fail = batchedCalls(async (): Promise<number[]> => {
      throw new Error('down');
    });
    const results = await Promise.allSettled([fail(1), fail(2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
