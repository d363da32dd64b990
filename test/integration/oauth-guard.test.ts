import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { apiClientRepository } from '../../src/db/repositories/clients.js';
import { createClient } from '../../src/domain/clients/service.js';
import { FAILED_SECRETS } from '../../src/http/routes/oauth.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

/** Guessing a client's secret is bounded: after too many wrong secrets the client id is refused for a while. */
describe('token requests after wrong secrets', () => {
  let t: TestApp;
  let node: FastifyInstance;
  let unlimited: FastifyInstance;
  beforeAll(async () => {
    t = await startTestApp('pglite');
    node = await buildApp({ services: t.services, config: { rateLimit: { max: 100, windowSeconds: 10 }, logLevel: 'silent' }, logger: false });
    unlimited = await buildApp({ services: t.services, config: { rateLimit: 'off', logLevel: 'silent' }, logger: false });
  });
  afterAll(async () => {
    await node?.close();
    await unlimited?.close();
    await t?.close();
  });

  const newClient = () => createClient(apiClientRepository(t.services.database.db), { name: 'guarded' });
  const tokenRequest = (app: FastifyInstance, clientId: string, secret: string) => app.inject({
    method: 'POST', url: '/oauth/token',
    payload: `grant_type=client_credentials&client_id=${clientId}&client_secret=${encodeURIComponent(secret)}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });

  it(`refuses a client id for the rest of the window after ${FAILED_SECRETS.max} wrong secrets, even with the right one`, async () => {
    const { client, secret } = await newClient();
    const statuses: number[] = [];
    for (let i = 0; i < FAILED_SECRETS.max; i++) statuses.push((await tokenRequest(node, client.id, `wrong-${i}`)).statusCode);
    expect(statuses).toEqual(Array(FAILED_SECRETS.max).fill(401));
    const refused = await tokenRequest(node, client.id, secret);
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toEqual({ error: 'too_many_requests', error_description: expect.stringMatching(/^Too many failed attempts for this client; try again in \d+ seconds\.$/) });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(FAILED_SECRETS.windowSeconds);
  });

  it('counts per client id: another client, and one that failed less, still get tokens', async () => {
    const other = await newClient();
    expect((await tokenRequest(node, other.client.id, other.secret)).statusCode).toBe(200);
    const few = await newClient();
    for (let i = 0; i < FAILED_SECRETS.max - 1; i++) expect((await tokenRequest(node, few.client.id, 'wrong')).statusCode).toBe(401);
    expect((await tokenRequest(node, few.client.id, few.secret)).statusCode).toBe(200);
  });

  it('does not count with the rate limit off', async () => {
    const { client, secret } = await newClient();
    for (let i = 0; i < FAILED_SECRETS.max + 2; i++) expect((await tokenRequest(unlimited, client.id, 'wrong')).statusCode).toBe(401);
    expect((await tokenRequest(unlimited, client.id, secret)).statusCode).toBe(200);
  });
});
