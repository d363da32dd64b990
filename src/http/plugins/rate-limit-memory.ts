import type { RateLimitStore } from './rate-limit-store.js';

/** Windows one node keeps by default: ~200 bytes each, so ~20 MB at most. */
export const MEMORY_STORE_CAPACITY = 100_000;

interface Window {
  key: string;
  start: number;
  windowMs: number;
  count: number;
}

/**
 * One API node: counters in this process, at most `capacity` windows.
 *
 * When a new window needs room, expired windows go first; then the live window with the fewest
 * hits (the oldest among equals). Never all at once, and never by age alone: a flood of made-up
 * keys (one hit each) only evicts its own kind, so a client locked out after many wrong secrets,
 * or one at its rate limit, keeps its window until it ends. Evicting such a window early takes
 * `capacity` live windows that each hold at least as many hits, all within one window (e.g.
 * 100,000 × 10 wrong secrets in a minute), which the token endpoint's own limit bounds.
 */
export function memoryStore(capacity = MEMORY_STORE_CAPACITY): RateLimitStore {
  const windows = new Map<string, Window>();
  // the live order of the windows of each length: Map keeps insertion (= start) order, so the front ends first
  const byLength = new Map<number, Map<string, Window>>();
  // windows by hit count, each Set in the order its windows reached that count
  const byCount = new Map<number, Set<Window>>();

  const expired = (w: Window, now: number) => now - w.start >= w.windowMs;

  function place(w: Window) {
    let bucket = byCount.get(w.count);
    if (!bucket) byCount.set(w.count, (bucket = new Set()));
    bucket.add(w);
  }
  function unplace(w: Window) {
    const bucket = byCount.get(w.count)!;
    bucket.delete(w);
    if (bucket.size === 0) byCount.delete(w.count);
  }
  function remove(w: Window) {
    windows.delete(w.key);
    byLength.get(w.windowMs)!.delete(w.key);
    unplace(w);
  }

  function dropExpired(now: number) {
    for (const queue of byLength.values()) {
      for (const w of queue.values()) {
        if (!expired(w, now)) break;
        remove(w);
      }
    }
  }

  function evictLeastCounted() {
    // distinct counts are few (a window at count c took c hits), so this scan stays short
    let fewest = Infinity;
    for (const count of byCount.keys()) if (count < fewest) fewest = count;
    const bucket = byCount.get(fewest);
    if (bucket) remove(bucket.values().next().value as Window);
  }

  function open(key: string, windowMs: number, now: number): Window {
    if (windows.size >= capacity) dropExpired(now);
    if (windows.size >= capacity) evictLeastCounted();
    const w: Window = { key, start: now, windowMs, count: 0 };
    windows.set(key, w);
    let queue = byLength.get(windowMs);
    if (!queue) byLength.set(windowMs, (queue = new Map()));
    queue.set(key, w);
    place(w);
    return w;
  }

  return {
    async hit(key, windowMs) {
      const now = Date.now();
      let w = windows.get(key);
      if (w && expired(w, now)) {
        remove(w);
        w = undefined;
      }
      w ??= open(key, windowMs, now);
      unplace(w);
      w.count++;
      place(w);
      return { count: w.count, resetMs: w.start + w.windowMs - now };
    },
    async peek(key) {
      const now = Date.now();
      const w = windows.get(key);
      if (!w || expired(w, now)) return { count: 0, resetMs: 0 };
      return { count: w.count, resetMs: w.start + w.windowMs - now };
    },
    async close() {},
  };
}
