import type { FastifyInstance, FastifyRequest } from 'fastify';
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
 * What one party holds of the address space, from a client address: an IPv4 address, or the /64
 * of an IPv6 address (one subnet, whose 2^64 addresses its owner picks from at will).
 *
 * @example addressKey('2001:db8:1:2::a') // '2001:db8:1:2::/64'
 */
export function addressKey(ip: string): string {
  const address = ip.split('%')[0].toLowerCase(); // without an interface's zone (fe80::1%eth0)
  if (!address.includes(':')) return address;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (mapped) return mapped[1];
  const groupsOf = (part: string) => (part ? part.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g])) : []);
  const [head, tail] = address.split('::');
  const left = groupsOf(head);
  const right = tail === undefined ? [] : groupsOf(tail);
  const groups = [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => (parseInt(g, 16) || 0).toString(16))
    .join(':')}::/64`;
}

/**
 * Token requests per client address (IPv6: per /64) per window, counted before the body is read:
 * anyone may call `/oauth/token`, and each request costs a database read and a secret check
 * (scrypt), so a flood from one address is refused early with ISC's 429. The token route's own
 * `onRequest` hook: no other route pays for it.
 */
export function tokenRateLimit(limit: RateLimit, store: RateLimitStore): (request: FastifyRequest) => Promise<void> {
  const windowMs = limit.windowSeconds * 1000;
  return async (request) => {
    const { count, resetMs } = await store.hit(`oauth-token ${addressKey(request.ip)}`, windowMs);
    if (count > limit.max) throw ERRORS.rateLimited(retryAfter(resetMs));
  };
}
