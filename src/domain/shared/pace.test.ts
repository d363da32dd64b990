import { describe, expect, it } from 'vitest';
import { EvaluationPace } from './pace.js';

/** Busy-waits `ms` of synchronous work. */
const spin = (ms: number) => { const end = performance.now() + ms; while (performance.now() < end); };

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
    setImmediate(() => { immediate = true; });
    setTimeout(() => { timer = true; }, 0);
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
});
