/**
 * Redis away (at start, or later): the API keeps answering with per-node counters, `/health`
 * says DEGRADED, one warning per outage, and the counters move back to Redis when it returns.
 * Each test runs its own redis-server on its own port and stops it; the shared one is never touched.
 */
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { decodeJwt } from 'jose';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { capturedLogger } from '../helpers/logs.js';
import { freePort, runCli, until } from '../helpers/processes.js';
import { ownRedis, redisServerInstalled } from '../helpers/redis.js';

const LIST = '/v3/identity-profiles';
const MAX = 3;
const UNREACHABLE = 'Redis is unreachable: rate-limit counters are kept per node until it answers again';
const BACK = 'Redis answers again: rate-limit counters are shared again';

describe.skipIf(!redisServerInstalled())('rate limits while Redis is away', () => {
  let t: TestApp;
  const cleanup: Array<() => Promise<unknown>> = [];
  beforeAll(async () => {
    t = await startTestApp('pglite');
  });
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });
  afterAll(async () => t?.close());

  /** An API node on `redisUrl` (limit MAX per minute), logging into memory. */
  async function node(redisUrl: string) {
    const log = capturedLogger('info');
    const app = await buildApp({
      services: t.services,
      logger: log.logger,
      config: {
        rateLimit: { max: MAX, windowSeconds: 60 },
        tokenRateLimit: { max: 1000, windowSeconds: 60 },
        logLevel: 'info',
        redisUrl,
      },
    });
    cleanup.push(() => app.close());
    const messages = (msg: string) => log.lines().filter((l) => l.msg === msg);
    return { app, messages };
  }
  const health = async (app: FastifyInstance) => {
    const res = await app.inject({ method: 'GET', url: '/health' });
    return { code: res.statusCode, body: res.json() };
  };
  const statuses = async (app: FastifyInstance, token: string, n: number) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++)
      out.push(
        (await app.inject({ method: 'GET', url: LIST, headers: { authorization: `Bearer ${token}` } })).statusCode,
      );
    return out;
  };
  const wrongSecret = (app: FastifyInstance) =>
    app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'grant_type=client_credentials&client_id=0123456789abcdef0123456789abcdef&client_secret=not-it',
    });

  it('starts with Redis unreachable, serves with per-node counters, and shares them once Redis starts', async () => {
    const redis = ownRedis(await freePort());
    cleanup.push(() => redis.stop());
    const { app, messages } = await node(redis.url); // nothing listens there yet

    const down = await health(app);
    expect(down.code).toBe(200);
    expect(down.body.status).toBe('DEGRADED');
    expect(down.body.checks.database.status).toBe('UP');
    expect(down.body.checks.redis).toEqual({ status: 'DOWN', detail: expect.stringMatching(/unreachable .*per node/) });

    const token = await t.token();
    expect(await statuses(app, token, MAX + 1)).toEqual([200, 200, 200, 429]); // still limited, per node
    expect((await wrongSecret(app)).statusCode).toBe(401);
    expect(messages(UNREACHABLE)).toHaveLength(1); // one warning for the outage, not one per request

    await redis.start();
    await until(async () => (await health(app)).body.checks.redis.status === 'UP', 'the node to reach Redis');
    expect((await health(app)).body).toMatchObject({ status: 'UP' });
    expect(messages(BACK)).toHaveLength(1);

    // counted in Redis again: a fresh client's requests are there for every node to see
    const shared = await t.token();
    expect(await statuses(app, shared, 2)).toEqual([200, 200]);
    const probe = new Redis(redis.url);
    cleanup.push(async () => probe.disconnect());
    expect(await probe.get(`idprofiles:rl:${decodeJwt(shared).client_id} v3`)).toBe('2');
  });

  it('keeps answering through an outage (never a 500), warns once, and moves back when Redis returns', async () => {
    const redis = ownRedis(await freePort());
    cleanup.push(() => redis.stop());
    await redis.start();
    const { app, messages } = await node(redis.url);
    await until(async () => (await health(app)).body.status === 'UP', 'the node to connect to Redis');
    const token = await t.token();
    expect(await statuses(app, token, 2)).toEqual([200, 200]);

    await redis.stop();
    // the window's first two requests were counted in Redis; this node now counts from zero
    expect(await statuses(app, token, MAX + 1)).toEqual([200, 200, 200, 429]);
    expect((await wrongSecret(app)).statusCode).toBe(401);
    expect(
      (await app.inject({ method: 'GET', url: LIST, headers: { authorization: `Bearer ${await t.token()}` } }))
        .statusCode,
    ).toBe(200);
    const degraded = await health(app);
    expect(degraded.code).toBe(200);
    expect(degraded.body).toMatchObject({ status: 'DEGRADED', checks: { redis: { status: 'DOWN' } } });
    expect(messages(UNREACHABLE)).toHaveLength(1);

    await redis.start();
    await until(async () => (await health(app)).body.status === 'UP', 'the node to reconnect to Redis');
    expect(messages(BACK)).toHaveLength(1);
    expect(messages(UNREACHABLE)).toHaveLength(1);
    // counted in the new Redis (which has never seen the counting script) again
    const after = await t.token();
    expect(await statuses(app, after, 2)).toEqual([200, 200]);
    const probe = new Redis(redis.url);
    cleanup.push(async () => probe.disconnect());
    expect(await probe.get(`idprofiles:rl:${decodeJwt(after).client_id} v3`)).toBe('2');
  });

  it('answers while Redis hangs (connected, silent): its commands time out and the node counts on its own', async () => {
    const redis = ownRedis(await freePort());
    cleanup.push(() => redis.stop());
    await redis.start();
    const { app, messages } = await node(redis.url);
    await until(async () => (await health(app)).body.status === 'UP', 'the node to connect to Redis');
    const token = await t.token();

    redis.pause();
    expect(await statuses(app, token, MAX + 1)).toEqual([200, 200, 200, 429]);
    expect((await wrongSecret(app)).statusCode).toBe(401);
    expect((await health(app)).body).toMatchObject({
      status: 'DEGRADED',
      checks: { redis: { status: 'DOWN', detail: expect.stringMatching(/timed out/) } },
    });
    expect(messages(UNREACHABLE)).toHaveLength(1);

    redis.resume();
    await until(async () => (await health(app)).body.status === 'UP', 'Redis to answer again');
    expect(messages(BACK)).toHaveLength(1);
  });

  it('`serve` starts with Redis unreachable instead of exiting (no crash loop), and says so in /health', async () => {
    const [port, redisPort] = [await freePort(), await freePort()];
    const dataDir = mkdtempSync(join(tmpdir(), 'idp-redis-down-'));
    cleanup.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const server = runCli(['serve'], {
      IDPROFILES_DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    });
    cleanup.push(() => server.kill());
    await server.logged('ready');
    const res = await fetch(`http://127.0.0.1:${port}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'DEGRADED',
      checks: { database: { status: 'UP' }, redis: { status: 'DOWN' } },
    });
    await server.logged(UNREACHABLE);
  }, 60_000);
});
