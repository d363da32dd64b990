import type { FastifyInstance, FastifyRequest } from 'fastify';
import formbody from '@fastify/formbody';
import { JSON_SHAPE_LIMITS, parseJsonBody } from './json-body.js';

/**
 * What real clients send: JSON (an empty body counts as none, so the route's schema decides),
 * `application/json-patch+json` for PATCH (both parsed by `parseJsonBody`: bounded in size of
 * structure, dropping `__proto__` keys, refusing what cannot be stored), and `application/x-www-form-urlencoded` (the SDK's
 * empty POST to process-identities, and token requests).
 */
export async function installContentTypes(app: FastifyInstance): Promise<void> {
  const parseJson = (request: FastifyRequest, body: string, done: (err: Error | null, value?: unknown) => void) => {
    const members = request.routeOptions.config?.jsonMembers;
    try {
      done(null, parseJsonBody(body, members ? { ...JSON_SHAPE_LIMITS, maxTotalMembers: members } : JSON_SHAPE_LIMITS));
    } catch (e) {
      done(e as Error);
    }
  };
  app.removeContentTypeParser(['application/json', 'text/plain']); // text/plain: no route reads it, so 415
  app.addContentTypeParser(
    ['application/json', 'application/json-patch+json', 'application/merge-patch+json'],
    { parseAs: 'string' },
    parseJson,
  );
  // forms carry a token request or nothing (the SDK's process-identities POST): a few hundred
  // bytes. Parsing 5 MiB of `k=v&` pairs (500,000 keys) held the event loop ~0.3–0.45 s, also
  // on the token endpoint, which needs no token.
  await app.register(formbody, { bodyLimit: FORM_BODY_LIMIT });
}

/** The largest `application/x-www-form-urlencoded` body (larger: 413). */
export const FORM_BODY_LIMIT = 64 * 1024;
