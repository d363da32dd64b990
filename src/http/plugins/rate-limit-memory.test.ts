import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryStore } from './rate-limit-store.js';

const MINUTE = 60_000;

afterEach(() => {
  vi.useRealTimers();
});

/** The per-node counters: bounded memory, and no way for made-up keys to reset a lockout. */
describe('memoryStore', () => {
  it('keeps a locked-out window through a flood of 150,000 made-up keys (the default capacity is 100,000)', async () => {
    const store = memoryStore();
    for (let i = 0; i < 10; i++) await store.hit('oauth-failures victim', MINUTE);
    for (let i = 0; i < 150_000; i++) await store.hit(`oauth-failures made-up-${i}`, MINUTE);
    expect((await store.peek('oauth-failures victim')).count).toBe(10);
    // the bound holds: the flood's oldest windows made room for its newest
    expect((await store.peek('oauth-failures made-up-0')).count).toBe(0);
    expect((await store.peek('oauth-failures made-up-149999')).count).toBe(1);
  });

  it('evicts the live window with the fewest hits first, the oldest among equals', async () => {
    const store = memoryStore(3);
    for (let i = 0; i < 3; i++) await store.hit('busy', MINUTE);
    await store.hit('once-old', MINUTE);
    await store.hit('twice', MINUTE);
    await store.hit('twice', MINUTE);
    await store.hit('newcomer', MINUTE); // full: 'once-old' (1 hit) goes
    expect((await store.peek('once-old')).count).toBe(0);
    expect((await store.peek('busy')).count).toBe(3);
    expect((await store.peek('twice')).count).toBe(2);
    expect((await store.peek('newcomer')).count).toBe(1);
    await store.hit('another', MINUTE); // 'newcomer' now has the fewest
    expect((await store.peek('newcomer')).count).toBe(0);
    expect((await store.peek('twice')).count).toBe(2);
  });

  it('makes room from expired windows before evicting a live one, whatever their counts', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 1_000_000 });
    const store = memoryStore(2);
    for (let i = 0; i < 50; i++) await store.hit('short-and-busy', 1_000);
    await store.hit('long', MINUTE);
    vi.setSystemTime(1_000_000 + 1_001);
    await store.hit('new', MINUTE);
    expect((await store.peek('long')).count).toBe(1);
    expect((await store.peek('new')).count).toBe(1);
    expect((await store.peek('short-and-busy')).count).toBe(0);
  });

  it('starts a new window once the old one ends, with a reset that counts down', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 5_000_000 });
    const store = memoryStore();
    expect(await store.hit('k', 10_000)).toEqual({ count: 1, resetMs: 10_000 });
    vi.setSystemTime(5_004_000);
    expect(await store.hit('k', 10_000)).toEqual({ count: 2, resetMs: 6_000 });
    expect(await store.peek('k')).toEqual({ count: 2, resetMs: 6_000 });
    vi.setSystemTime(5_010_000);
    expect(await store.peek('k')).toEqual({ count: 0, resetMs: 0 });
    expect(await store.hit('k', 10_000)).toEqual({ count: 1, resetMs: 10_000 });
  });
});
