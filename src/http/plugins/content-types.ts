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
  app.removeContentTypeParser(['application/json', 'text/plain']); // text/plain: no route reads it, so 415
  app.addContentTypeParser(['application/json', 'application/json-patch+json', 'application/merge-patch+json'], { parseAs: 'string' }, parseJson);
  await app.register(formbody);
}

const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Drops `__proto__` keys (prototype poisoning) while parsing, and refuses text the database
 * cannot store (NUL characters, unpaired surrogates) with a 400 naming the key.
 */
function rejectProtoKeys(key: string, value: unknown) {
  if (typeof value === 'string' && UNSTORABLE.test(value)) {
    throw new SyntaxError(`the value of '${key || '(root)'}' holds a NUL character or an unpaired surrogate, which cannot be stored`);
  }
  if (typeof key === 'string' && UNSTORABLE.test(key)) throw new SyntaxError('a key holds a NUL character or an unpaired surrogate');
  return key === '__proto__' ? undefined : value;
}
