import type { Redis } from 'ioredis';
import type { FastifyBaseLogger } from 'fastify';
import type { HealthReport } from '../routes/health.js';
import { memoryStore } from './rate-limit-memory.js';
import type { RateLimitStore } from './rate-limit-store.js';

// INCR, and start the window's expiry on its first request, atomically.
const HIT = `local c = redis.call('INCR', KEYS[1])
if c == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {c, redis.call('PTTL', KEYS[1])}`;

/** A command Redis has not answered within this long counts as a failure (a hung Redis must not hang requests). */
const COMMAND_TIMEOUT_MS = 1_000;
/** After a failed command, counters stay in memory this long before Redis is tried again: one slow request per second at most, not every one. */
const RETRY_AFTER_FAILURE_MS = 1_000;
const DEGRADED = 'rate-limit counters are kept per node until it answers again';

type WithHit = Redis & { idpHit(key: string, windowMs: number): Promise<[number, number]> };

/**
 * Several API nodes: counters in Redis (`REDIS_URL`), shared by every node. While Redis cannot be
 * reached (at start, or later), each node counts in its own memory instead — the API keeps
 * answering, never a 500 — and logs one warning per outage; ioredis reconnects in the background
 * and the counters move back to Redis when it answers (counts made meanwhile stay per node).
 */
export async function redisStore(url: string, log: Pick<FastifyBaseLogger, 'warn' | 'info'>): Promise<RateLimitStore> {
  // loaded only here: most processes have no REDIS_URL, and loading ioredis costs ~30-70 ms of start-up
  const { Redis } = await import('ioredis');
  // no offline queue and no retries: a command fails at once while disconnected, and we count in memory
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
  }) as WithHit;
  redis.defineCommand('idpHit', { numberOfKeys: 1, lua: HIT });
  const local = memoryStore();

  // undefined until the first connection or failure; false from a failure until Redis answers again
  let reachable: boolean | undefined;
  let lastProblem = '';
  let retryAt = 0;
  const markDown = (problem: string) => {
    lastProblem = problem;
    retryAt = Date.now() + RETRY_AFTER_FAILURE_MS;
    if (reachable === false) return;
    reachable = false;
    log.warn({ problem }, `Redis is unreachable: ${DEGRADED}`);
  };
  const markUp = () => {
    if (reachable === false) log.info('Redis answers again: rate-limit counters are shared again');
    reachable = true;
    retryAt = 0;
  };
  // without an 'error' listener ioredis prints every failed reconnection to the console
  redis.on('error', (e: Error) => markDown(e.message));
  redis.on('close', () => markDown(lastProblem || 'connection closed'));
  redis.on('ready', markUp);

  const usable = () => redis.status === 'ready' && Date.now() >= retryAt;

  /** Runs `shared` on Redis when it can, `fallback` in this node's memory otherwise (or when Redis fails). */
  async function either<T>(shared: () => Promise<T>, fallback: () => Promise<T>): Promise<T> {
    if (!usable()) return fallback();
    try {
      const result = await shared();
      markUp();
      return result;
    } catch (e) {
      markDown((e as Error).message);
      return fallback();
    }
  }

  return {
    hit: (key, windowMs) =>
      either(
        async () => {
          const [count, ttl] = await redis.idpHit(`idprofiles:rl:${key}`, windowMs);
          return { count, resetMs: ttl > 0 ? ttl : windowMs };
        },
        () => local.hit(key, windowMs),
      ),

    peek: (key) =>
      either(
        async () => {
          const replies = (await redis.multi().get(`idprofiles:rl:${key}`).pttl(`idprofiles:rl:${key}`).exec()) ?? [];
          const failed = replies.find(([error]) => error);
          if (failed) throw failed[0];
          const [count, ttl] = replies.map(([, v]) => v);
          return { count: Number(count ?? 0), resetMs: Math.max(0, Number(ttl ?? 0)) };
        },
        () => local.peek(key),
      ),

    async check(): Promise<HealthReport> {
      const down = (): HealthReport => ({
        status: 'DOWN',
        detail: `unreachable (${lastProblem || redis.status}); ${DEGRADED}`,
      });
      if (redis.status !== 'ready') return down();
      try {
        await redis.ping();
        markUp();
        return { status: 'UP' };
      } catch (e) {
        markDown((e as Error).message);
        return down();
      }
    },

    async close() {
      redis.removeAllListeners('close');
      if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
    },
  };
}
