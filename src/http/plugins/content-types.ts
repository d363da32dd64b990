import type { FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import { ERRORS } from '../../errors.js';

/**
 * What real clients send: JSON (an empty body counts as none, so the route's schema decides),
 * `application/json-patch+json` for PATCH, and `application/x-www-form-urlencoded` (the SDK's
 * empty POST to process-identities, and token requests).
 */
export async function installContentTypes(app: FastifyInstance): Promise<void> {
  const parseJson = (_req: unknown, body: string, done: (err: Error | null, value?: unknown) => void) => {
    if (body.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(body, rejectProtoKeys));
    } catch (e) {
      done(ERRORS.badRequest(`The request body is not valid JSON: ${(e as Error).message}`));
    }
  };
  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser(['application/json', 'application/json-patch+json', 'application/merge-patch+json'], { parseAs: 'string' }, parseJson);
  await app.register(formbody);
}

/** Drops `__proto__` keys (prototype poisoning) while parsing. */
function rejectProtoKeys(key: string, value: unknown) {
  return key === '__proto__' ? undefined : value;
}
