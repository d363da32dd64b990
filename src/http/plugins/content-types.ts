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
  app.addContentTypeParser(['application/json', 'application/json-patch+json', 'application/merge-patch+json'], { parseAs: 'string' }, parseJson);
  await app.register(formbody);
}
