import { describe, expect, it } from 'vitest';
import { EvaluationPace, forEachPaced } from './pace.js';

/** Busy-waits `ms` of synchronous work. */
const spin = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

describe('EvaluationPace', () => {
  it('is not due before the slice is spent', () => {
    const pace = new EvaluationPace(1_000);
    for (let i = 0; i < 10_000; i++) expect(pace.due()).toBe(false);
    expect(pace.turns).toBe(0);
  });

  it('gives the event loop a turn once a slice of work is spent, and starts a new slice after it', async () => {
    const pace = new EvaluationPace(50);
    let immediate = false;
    let timer = false;
    setImmediate(() => {
      immediate = true;
    });
    setTimeout(() => {
      timer = true;
    }, 0);
    spin(55);
    expect(pace.due()).toBe(true);
    expect([immediate, timer]).toEqual([false, false]);
    await pace.yield();
    expect(pace.turns).toBe(1);
    expect(immediate).toBe(true);
    expect(pace.due()).toBe(false);
    // a turn taken from inside a turn is a whole iteration of the loop: timers and I/O run in it
    spin(55);
    expect(pace.due()).toBe(true);
    await pace.yield();
    expect(pace.turns).toBe(2);
    expect(timer).toBe(true);
  });

  it('forEachPaced: every item in order, timers running in between, loops one after another', async () => {
    const seen: string[] = [];
    let ticks = 0;
    const timer = setInterval(() => {
      ticks++;
    }, 1);
    const items = (tag: string) => Array.from({ length: 10 }, (_, i) => `${tag}${i}`);
    const visit = (item: string) => {
      seen.push(item);
      spin(3);
    };
    try {
      // started together: b waits for a; a's turns run the timer, not b's items
      await Promise.all([forEachPaced(items('a'), visit, 5), forEachPaced(new Set(items('b')), visit, 5)]);
    } finally {
      clearInterval(timer);
    }
    expect(seen).toEqual([...items('a'), ...items('b')]);
    // 60 ms of work in slices of 5 ms: the timer ran in the turns between them
    expect(ticks).toBeGreaterThanOrEqual(5);
  });

  it('forEachPaced: a loop whose item throws rejects, and the next loop still runs', async () => {
    const boom = forEachPaced([1, 2, 3], (n) => {
      if (n === 2) throw new Error('item 2');
    });
    const next: number[] = [];
    const after = forEachPaced([4, 5], (n) => {
      next.push(n);
    });
    await expect(boom).rejects.toThrow('item 2');
    await after;
    expect(next).toEqual([4, 5]);
  });
});
