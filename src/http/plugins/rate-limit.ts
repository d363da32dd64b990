import type { FastifyInstance } from 'fastify';
import { ERRORS } from '../../errors.js';
import { versionOfUrl } from '../versions.js';
import type { RateLimitStore } from './rate-limit-store.js';

export interface RateLimit {
  max: number;
  windowSeconds: number;
}

const retryAfter = (resetMs: number) => Math.max(1, Math.ceil(resetMs / 1000));

/**
 * ISC's limit: N requests per client id per API version per window (100 per 10 s), answering
 * 429 `{"message":" Rate Limit Exceeded "}` with Retry-After. Fixed windows, counted in `store`:
 * this process's memory, or Redis when several API nodes must share the count. The version is the
 * one of the route the request reached, whatever its spelling (`/%76%33/…`, `//`), so every
 * spelling of a route shares its count.
 */
export function installRateLimit(app: FastifyInstance, limit: RateLimit, store: RateLimitStore): void {
  const windowMs = limit.windowSeconds * 1000;
  app.addHook('onRequest', async (request, reply) => {
    if (!request.auth) return;
    const route = request.routeOptions.url ?? request.url;
    const { count, resetMs } = await store.hit(`${request.auth.client_id} ${versionOfUrl(route)}`, windowMs);
    reply.header('X-RateLimit-Limit', limit.max).header('X-RateLimit-Remaining', Math.max(0, limit.max - count));
    if (count > limit.max) throw ERRORS.rateLimited(retryAfter(resetMs));
  });
}

/**
 * Token requests per client address per window, counted before the body is read: anyone may
 * call `/oauth/token`, and each request costs a database read and a secret check (scrypt), so a
 * flood from one address is refused early with ISC's 429.
 */
export function installTokenRateLimit(app: FastifyInstance, limit: RateLimit, store: RateLimitStore): void {
  const windowMs = limit.windowSeconds * 1000;
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.url !== '/oauth/token') return;
    const { count, resetMs } = await store.hit(`oauth-token ${request.ip}`, windowMs);
    if (count > limit.max) throw ERRORS.rateLimited(retryAfter(resetMs));
  });
}
