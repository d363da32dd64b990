import type { FastifyInstance } from 'fastify';
import { ERRORS } from '../../errors.js';
import { versionOfUrl } from '../versions.js';

/**
 * ISC's limit: N requests per client id per API version per window (100 per 10 s), answering
 * 429 `{"message":" Rate Limit Exceeded "}` with Retry-After. Fixed windows, counted in memory
 * (one API node).
 */
export function installRateLimit(app: FastifyInstance, limit: { max: number; windowSeconds: number }): void {
  const windows = new Map<string, { start: number; count: number }>();
  app.addHook('onRequest', async (request, reply) => {
    if (!request.auth) return;
    const key = `${request.auth.client_id} ${versionOfUrl(request.url)}`;
    const now = Date.now();
    const windowMs = limit.windowSeconds * 1000;
    let w = windows.get(key);
    if (!w || now - w.start >= windowMs) {
      if (windows.size > 100_000) windows.clear();
      w = { start: now, count: 0 };
      windows.set(key, w);
    }
    w.count++;
    reply.header('X-RateLimit-Limit', limit.max).header('X-RateLimit-Remaining', Math.max(0, limit.max - w.count));
    if (w.count > limit.max) throw ERRORS.rateLimited(Math.max(1, Math.ceil((w.start + windowMs - now) / 1000)));
  });
}
