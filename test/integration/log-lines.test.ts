/**
 * The served app's log: one JSON object per line, each key once — refused requests (4xx) included,
 * whose reason used to be a second `msg` key that `jq` dropped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { capturedLogger } from '../helpers/logs.js';

describe('log lines of refused requests', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp('pglite')));
  afterAll(async () => t?.close());

  it('carry one msg each, the refusal as reason', async () => {
    const log = capturedLogger('info');
    const app = await buildApp({
      services: t.services,
      config: { rateLimit: 'off', logLevel: 'info' },
      logger: log.logger,
    });
    const h = await t.admin();
    try {
      expect(
        (await app.inject({ method: 'GET', url: '/v3/sources/0123456789abcdef0123456789abcdef', headers: h }))
          .statusCode,
      ).toBe(404);
      expect(
        (await app.inject({ method: 'GET', url: '/v3/identity-profiles?filters=nope%20eq%201', headers: h }))
          .statusCode,
      ).toBe(400);
      expect((await app.inject({ method: 'GET', url: '/v3/sources' })).statusCode).toBe(401);
    } finally {
      await app.close();
    }
    const lines = log.lines(); // throws on a line that repeats a key
    const refused = lines.filter((l) => l.msg === 'request refused');
    expect(refused.map((l) => l.status)).toEqual([404, 400, 401]);
    for (const l of refused) expect(typeof l.reason).toBe('string');
    expect(refused[0].reason).toMatch(/0123456789abcdef0123456789abcdef/);
  });
});
