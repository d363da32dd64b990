import { describe, expect, it } from 'vitest';
import { TransactionPace } from './transaction-pace.js';

describe('TransactionPace', () => {
  const pace = () => new TransactionPace({ initial: 500, min: 50, max: 5_000, targetMs: 40 });

  it('settles on the rows that take the target time at a steady rate', () => {
    const p = pace();
    for (let i = 0; i < 20; i++) p.took(p.rows, p.rows * 0.5); // 0.5 ms a row: 80 rows take 40 ms
    expect(p.rows).toBeGreaterThanOrEqual(78);
    expect(p.rows).toBeLessThanOrEqual(82);
  });

  it('moves halfway at a time, so one slow transaction does not swing it', () => {
    const p = pace();
    p.took(500, 2_000); // 4 ms a row once (a collection, a burst of requests): ideal 10 rows
    expect(p.rows).toBe(71); // √(500 × 10)
    p.took(71, 71 * 0.04); // and fast again: ideal 1000
    expect(p.rows).toBe(266); // √(71 × 1000)
  });

  it('stays within its bounds and ignores what measures nothing', () => {
    const p = pace();
    for (let i = 0; i < 10; i++) p.took(p.rows, 10_000);
    expect(p.rows).toBe(50);
    for (let i = 0; i < 30; i++) p.took(p.rows, 0.01);
    expect(p.rows).toBe(5_000);
    p.took(0, 10);
    p.took(100, 0);
    expect(p.rows).toBe(5_000);
  });
});
