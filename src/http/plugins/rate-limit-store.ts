
/** Counts requests per key in fixed windows: where the rate limit keeps its counters. */
export interface RateLimitStore {
  /** Counts one request; returns the count in the current window and ms until it resets. */
  hit(key: string, windowMs: number): Promise<{ count: number; resetMs: number }>;
  /** The count in the current window without counting (0 when none is open). */
  peek(key: string): Promise<{ count: number; resetMs: number }>;
  close(): Promise<void>;
}

/** One API node: counters in this process. */
export function memoryStore(): RateLimitStore {
  const windows = new Map<string, { start: number; count: number; windowMs: number }>();
  return {
    async hit(key, windowMs) {
      const now = Date.now();
      let w = windows.get(key);
      if (!w || now - w.start >= windowMs) {
        if (windows.size > 100_000) windows.clear();
        w = { start: now, count: 0, windowMs };
        windows.set(key, w);
      }
      w.count++;
      return { count: w.count, resetMs: w.start + windowMs - now };
    },
    async peek(key) {
      const now = Date.now();
      const w = windows.get(key);
      if (!w || now - w.start >= w.windowMs) return { count: 0, resetMs: 0 };
      return { count: w.count, resetMs: w.start + w.windowMs - now };
    },
    async close() {},
  };
}

// INCR, and start the window's expiry on its first request, atomically.
const HIT = `local c = redis.call('INCR', KEYS[1])
if c == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {c, redis.call('PTTL', KEYS[1])}`;

/** Several API nodes: counters in Redis (`REDIS_URL`), shared by every node. */
export async function redisStore(url: string): Promise<RateLimitStore> {
  // loaded only here: most processes have no REDIS_URL, and loading ioredis costs ~30-70 ms of start-up
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: false });
  await redis.connect();
  redis.defineCommand('idpHit', { numberOfKeys: 1, lua: HIT });
  return {
    async hit(key, windowMs) {
      const [count, ttl] = (await (redis as unknown as { idpHit(k: string, ms: number): Promise<[number, number]> }).idpHit(`idprofiles:rl:${key}`, windowMs));
      return { count, resetMs: ttl > 0 ? ttl : windowMs };
    },
    async peek(key) {
      const [count, ttl] = await redis.multi().get(`idprofiles:rl:${key}`).pttl(`idprofiles:rl:${key}`).exec().then((r) => (r ?? []).map(([, v]) => v));
      return { count: Number(count ?? 0), resetMs: Math.max(0, Number(ttl ?? 0)) };
    },
    async close() {
      await redis.quit();
    },
  };
}
