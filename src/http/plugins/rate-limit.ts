import type { FastifyInstance } from 'fastify';
import { ERRORS } from '../../errors.js';
import { versionOfUrl } from '../versions.js';
import { memoryStore, type RateLimitStore } from './rate-limit-store.js';

/**
 * ISC's limit: N requests per client id per API version per window (100 per 10 s), answering
 * 429 `{"message":" Rate Limit Exceeded "}` with Retry-After. Fixed windows, counted in `store`:
 * this process's memory, or Redis when several API nodes must share the count.
 */
export function installRateLimit(app: FastifyInstance, limit: { max: number; windowSeconds: number }, store: RateLimitStore = memoryStore()): void {
  const windowMs = limit.windowSeconds * 1000;
  app.addHook('onRequest', async (request, reply) => {
    if (!request.auth) return;
    const { count, resetMs } = await store.hit(`${request.auth.client_id} ${versionOfUrl(request.url)}`, windowMs);
    reply.header('X-RateLimit-Limit', limit.max).header('X-RateLimit-Remaining', Math.max(0, limit.max - count));
    if (count > limit.max) throw ERRORS.rateLimited(Math.max(1, Math.ceil(resetMs / 1000)));
  });
  app.addHook('onClose', () => store.close());
}
