import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { apiClientRepository } from '../../src/db/repositories/clients.js';
import { createClient } from '../../src/domain/clients/service.js';
import { FAILED_SECRETS } from '../../src/http/routes/oauth.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function redisReachable(): Promise<boolean> {
  const r = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1000 });
  try {
    await r.connect();
    await r.ping();
    return true;
  } catch {
    if (process.env.CI) throw new Error(`Redis is not reachable at ${REDIS_URL} (CI must start it)`);
    return false;
  } finally {
    r.disconnect();
  }
}
const reachable = await redisReachable();

/** With REDIS_URL, several API nodes share one count per client and version. */
describe.skipIf(!reachable)('rate limit shared through Redis', () => {
  let t: TestApp;
  let nodes: Array<Awaited<ReturnType<typeof buildApp>>>;
  const max = 5;
  beforeAll(async () => {
    t = await startTestApp('pglite');
    const config = { rateLimit: { max, windowSeconds: 60 }, logLevel: 'silent' as const, redisUrl: REDIS_URL };
    nodes = [
      await buildApp({ services: t.services, config, logger: false }),
      await buildApp({ services: t.services, config, logger: false }),
    ];
  });
  afterAll(async () => {
    for (const n of nodes ?? []) await n.close();
    await t?.close();
  });

  it('counts requests of one client across two API nodes, per version', async () => {
    const h = { authorization: `Bearer ${await t.token()}` }; // a new client: a fresh count
    const statuses: number[] = [];
    for (let i = 0; i < max + 1; i++) {
      const res = await nodes[i % 2].inject({ method: 'GET', url: '/v3/identity-profiles', headers: h });
      statuses.push(res.statusCode);
      if (res.statusCode === 429) {
        expect(res.json()).toEqual({ message: ' Rate Limit Exceeded ' });
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
        expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
      }
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    // another version has its own count
    expect((await nodes[1].inject({ method: 'GET', url: '/beta/identity-profiles', headers: h })).statusCode).toBe(200);
  });

  it('counts wrong secrets of one client id across the API nodes', async () => {
    const { client, secret } = await createClient(apiClientRepository(t.services.database.db), { name: 'guarded' });
    const request = (n: number, clientSecret: string) =>
      nodes[n % 2].inject({
        method: 'POST',
        url: '/oauth/token',
        payload: `grant_type=client_credentials&client_id=${client.id}&client_secret=${clientSecret}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    for (let i = 0; i < FAILED_SECRETS.max; i++) expect((await request(i, 'wrong')).statusCode).toBe(401);
    const refused = await request(1, secret);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(FAILED_SECRETS.windowSeconds);
  });
});
