import type { HealthReport } from '../routes/health.js';

/** Counts requests per key in fixed windows: where the rate limits keep their counters. */
export interface RateLimitStore {
  /** Counts one request; returns the count in the current window and ms until it resets. */
  hit(key: string, windowMs: number): Promise<{ count: number; resetMs: number }>;
  /** The count in the current window without counting (0 when none is open). */
  peek(key: string): Promise<{ count: number; resetMs: number }>;
  /** How the store's backing service is doing, for `/health` (stores without one have none). */
  check?(): Promise<HealthReport>;
  close(): Promise<void>;
}

export { memoryStore } from './rate-limit-memory.js';
export { redisStore } from './rate-limit-redis.js';
