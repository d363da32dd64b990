import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { apiClientRepository } from '../../src/db/repositories/clients.js';
import { createClient } from '../../src/domain/clients/service.js';
import { FAILED_SECRETS } from '../../src/http/routes/oauth.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

/** Guessing a client's secret is bounded (after too many wrong secrets the client id is refused for a while), and so is a flood of token requests from one address. */
describe('token requests: wrong secrets and floods', () => {
  let t: TestApp;
  let node: FastifyInstance;
  let unlimited: FastifyInstance;
  beforeAll(async () => {
    t = await startTestApp('pglite');
    node = await buildApp({
      services: t.services,
      config: { rateLimit: { max: 100, windowSeconds: 10 }, logLevel: 'silent' },
      logger: false,
    });
    unlimited = await buildApp({
      services: t.services,
      config: { rateLimit: 'off', logLevel: 'silent' },
      logger: false,
    });
  });
  afterAll(async () => {
    await node?.close();
    await unlimited?.close();
    await t?.close();
  });

  const newClient = () => createClient(apiClientRepository(t.services.database.db), { name: 'guarded' });
  const tokenRequest = (app: FastifyInstance, clientId: string, secret: string) =>
    app.inject({
      method: 'POST',
      url: '/oauth/token',
      payload: `grant_type=client_credentials&client_id=${clientId}&client_secret=${encodeURIComponent(secret)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });

  it(`refuses a client id for the rest of the window after ${FAILED_SECRETS.max} wrong secrets, even with the right one`, async () => {
    const { client, secret } = await newClient();
    const statuses: number[] = [];
    for (let i = 0; i < FAILED_SECRETS.max; i++)
      statuses.push((await tokenRequest(node, client.id, `wrong-${i}`)).statusCode);
    expect(statuses).toEqual(Array(FAILED_SECRETS.max).fill(401));
    const refused = await tokenRequest(node, client.id, secret);
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toEqual({
      error: 'too_many_requests',
      error_description: expect.stringMatching(
        /^Too many failed attempts for this client; try again in \d+ seconds\.$/,
      ),
    });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(FAILED_SECRETS.windowSeconds);
  });

  it('counts per client id: another client, and one that failed less, still get tokens', async () => {
    const other = await newClient();
    expect((await tokenRequest(node, other.client.id, other.secret)).statusCode).toBe(200);
    const few = await newClient();
    for (let i = 0; i < FAILED_SECRETS.max - 1; i++)
      expect((await tokenRequest(node, few.client.id, 'wrong')).statusCode).toBe(401);
    expect((await tokenRequest(node, few.client.id, few.secret)).statusCode).toBe(200);
  });

  it("limits token requests per client address before reading them (ISC's 429), each address on its own", async () => {
    const limited = await buildApp({
      services: t.services,
      config: { rateLimit: 'off', tokenRateLimit: { max: 3, windowSeconds: 60 }, logLevel: 'silent' },
      logger: false,
    });
    try {
      const { client, secret } = await newClient();
      const from = (remoteAddress: string, payload: string) =>
        limited.inject({
          method: 'POST',
          url: '/oauth/token',
          remoteAddress,
          payload,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
      const good = `grant_type=client_credentials&client_id=${client.id}&client_secret=${secret}`;
      const statuses = [];
      for (const payload of [good, 'grant_type=client_credentials&client_id=x&client_secret=y', 'not a token request'])
        statuses.push((await from('10.1.1.1', payload)).statusCode);
      expect(statuses).toEqual([200, 401, 400]); // every request counts, whatever its outcome
      for (const payload of [good, '%%% unparseable']) {
        const refused = await from('10.1.1.1', payload);
        expect(refused.statusCode).toBe(429);
        expect(refused.body).toBe('{"message":" Rate Limit Exceeded "}');
        expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
        expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
      }
      expect((await from('10.2.2.2', good)).statusCode).toBe(200);
      // IPv6: one /64 is one client, whichever of its addresses it sends from
      for (const ip of ['2001:db8:7:7::1', '2001:db8:7:7::2', '2001:db8:7:7:ffff::3'])
        expect((await from(ip, good)).statusCode).toBe(200);
      expect((await from('2001:db8:7:7:1234::4', good)).statusCode).toBe(429);
      expect((await from('2001:db8:7:8::1', good)).statusCode).toBe(200);
      // the API itself is not counted against the token endpoint's limit
      const token = (await from('10.3.3.3', good)).json().access_token;
      for (let i = 0; i < 5; i++) {
        const res = await limited.inject({
          method: 'GET',
          url: '/v3/sources',
          remoteAddress: '10.1.1.1',
          headers: { authorization: `Bearer ${token}` },
        });
        expect(res.statusCode).toBe(200);
      }
    } finally {
      await limited.close();
    }
  });

  it('does not count with the rate limit off', async () => {
    const { client, secret } = await newClient();
    for (let i = 0; i < FAILED_SECRETS.max + 2; i++)
      expect((await tokenRequest(unlimited, client.id, 'wrong')).statusCode).toBe(401);
    expect((await tokenRequest(unlimited, client.id, secret)).statusCode).toBe(200);
  });
});
