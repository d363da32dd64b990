/**
 * Authentication as ISC does it: the client-credentials token endpoint (form, multipart or query
 * parameters), bearer JWTs (401 `{error}` for no/malformed/forged/expired tokens, 403
 * ErrorResponseDto for a token without the right), revocation, and the rate limit (429 per client
 * per API version, Retry-After, `off`). Time moves with a faked `Date`, never with sleeps.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { decodeJwt, SignJWT } from 'jose';
import { get as httpGet } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../src/app.js';
import { apiClientRepository } from '../../src/db/repositories/clients.js';
import { loadSigningKey } from '../../src/db/repositories/settings.js';
import { createClient } from '../../src/domain/clients/service.js';
import { createTokenService } from '../../src/domain/clients/tokens.js';
import type { TestApp } from '../helpers/app.js';
import { expectContract, type ContractVersion } from '../helpers/contract.js';
import { CONTRACTS_PRESENT, describeOnDatabases, VERSIONS } from './identity-profiles/helpers.js';

const LIST = '/v3/identity-profiles';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** A new API client with its secret. */
async function newClient(t: TestApp, rights: { scopes?: string[]; authorities?: string[] } = {}) {
  const { client, secret } = await createClient(apiClientRepository(t.services.database.db), {
    name: 'auth-test',
    ...rights,
  });
  return { id: client.id, secret };
}

/** multipart/form-data, as the TypeScript SDK sends its token request. */
function multipart(fields: Record<string, string>) {
  const boundary = '----idprofiles-test-boundary';
  const parts = Object.entries(fields).map(
    ([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
  );
  return {
    payload: `${parts.join('')}--${boundary}--\r\n`,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Asserts ISC's 401: `{error}` only, valid against the document's 401 schema, with the given reason. */
function expect401(res: LightMyRequestResponse, reason: RegExp, version: ContractVersion = 'v3', url = LIST): void {
  expect(res.statusCode, res.body).toBe(401);
  expect(Object.keys(res.json())).toEqual(['error']);
  expect(res.json().error).toMatch(reason);
  if (CONTRACTS_PRESENT) expectContract(version, 'GET', url, 401, res.json());
}

/** Moves `Date` (only) forward; jose, the token cache, the revocation cache and the rate limit all read it. */
function advanceClock(ms: number): void {
  const next = Date.now() + ms;
  if (vi.isFakeTimers()) vi.setSystemTime(next);
  else vi.useFakeTimers({ toFake: ['Date'], now: next });
}

afterEach(() => {
  vi.useRealTimers();
});

describeOnDatabases('auth', (app) => {
  describe('POST /oauth/token and GET /oauth/info', () => {
    const expectTokenResponse = async (
      res: LightMyRequestResponse,
      clientId: string,
      scopes: string[],
      authorities: string[],
    ) => {
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({
        access_token: expect.any(String),
        token_type: 'bearer',
        expires_in: 600,
        scope: scopes.join(' '),
        tenant_id: expect.any(String),
        pod: expect.any(String),
        org: expect.any(String),
        internal: false,
        strong_auth: false,
        strong_auth_supported: false,
        claims_supported: false,
        enabled: true,
        jti: expect.any(String),
      });
      expect(res.headers['cache-control']).toBe('no-store');
      const claims = decodeJwt(body.access_token);
      expect(claims).toMatchObject({
        client_id: clientId,
        authorities,
        scope: scopes,
        jti: body.jti,
        tenant_id: body.tenant_id,
        pod: body.pod,
        org: body.org,
      });
      expect(Number(claims.exp) - Number(claims.iat)).toBe(600);
      const use = await app().app.inject({ method: 'GET', url: LIST, headers: bearer(body.access_token) });
      expect(use.statusCode, use.body).toBe(200);
    };

    it('accepts client credentials as application/x-www-form-urlencoded', async () => {
      const c = await newClient(app());
      const res = await app().app.inject({
        method: 'POST',
        url: '/oauth/token',
        headers: FORM,
        payload: `grant_type=client_credentials&client_id=${c.id}&client_secret=${c.secret}`,
      });
      await expectTokenResponse(res, c.id, ['sp:scopes:all'], ['ORG_ADMIN']);
    });

    it('accepts client credentials as multipart/form-data (the SDK)', async () => {
      const c = await newClient(app(), { scopes: ['idn:identity-profile:read'], authorities: ['API'] });
      const res = await app().app.inject({
        method: 'POST',
        url: '/oauth/token',
        ...multipart({ grant_type: 'client_credentials', client_id: c.id, client_secret: c.secret }),
      });
      await expectTokenResponse(res, c.id, ['idn:identity-profile:read'], ['API']);
    });

    it('accepts client credentials as query parameters, with or without a body (the docs, the CLI)', async () => {
      const c = await newClient(app(), { scopes: ['idn:identity-profile:read', 'idn:identity-profile:manage'] });
      const query = await app().app.inject({
        method: 'POST',
        url: `/oauth/token?grant_type=client_credentials&client_id=${c.id}&client_secret=${c.secret}`,
      });
      await expectTokenResponse(
        query,
        c.id,
        ['idn:identity-profile:read', 'idn:identity-profile:manage'],
        ['ORG_ADMIN'],
      );
      const mixed = await app().app.inject({
        method: 'POST',
        url: '/oauth/token?grant_type=client_credentials',
        headers: FORM,
        payload: `client_id=${c.id}&client_secret=${c.secret}`,
      });
      await expectTokenResponse(
        mixed,
        c.id,
        ['idn:identity-profile:read', 'idn:identity-profile:manage'],
        ['ORG_ADMIN'],
      );
    });

    it('accepts client credentials in Authorization: Basic (RFC 6749 2.3.1; the API reference sends them so), each form-urlencoded', async () => {
      const c = await newClient(app());
      const basic = (id: string, secret: string) => ({
        ...FORM,
        authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
      });
      const res = await app().app.inject({
        method: 'POST',
        url: '/oauth/token',
        headers: basic(c.id, c.secret),
        payload: 'grant_type=client_credentials&scope=',
      });
      await expectTokenResponse(res, c.id, ['sp:scopes:all'], ['ORG_ADMIN']);
      const encoded = await app().app.inject({
        method: 'POST',
        url: '/oauth/token',
        headers: basic(encodeURIComponent(c.id), encodeURIComponent(c.secret)),
        payload: `grant_type=client_credentials&client_id=${c.id}`,
      });
      expect(encoded.statusCode, encoded.body).toBe(200);
      const wrong = await app().app.inject({
        method: 'POST',
        url: '/oauth/token',
        headers: basic(c.id, 'nope-nope'),
        payload: 'grant_type=client_credentials',
      });
      expect(wrong.statusCode).toBe(401);
      // one method at a time, and a header that is not credentials: 400 in OAuth's shape
      for (const [headers, payload] of [
        [basic(c.id, c.secret), `grant_type=client_credentials&client_id=${c.id}&client_secret=${c.secret}`],
        [basic(c.id, c.secret), 'grant_type=client_credentials&client_id=someone-else'],
        [{ ...FORM, authorization: 'Basic bm8tY29sb24=' }, 'grant_type=client_credentials'],
        [{ ...FORM, authorization: 'Basic !!!' }, 'grant_type=client_credentials'],
      ] as const) {
        const refused = await app().app.inject({ method: 'POST', url: '/oauth/token', headers, payload });
        expect(refused.statusCode, refused.body).toBe(400);
        expect(refused.json()).toMatchObject({ error: 'invalid_request', error_description: expect.any(String) });
      }
    });

    it("accepts the grant spelled CLIENT_CREDENTIALS, as the docs' table does", async () => {
      const c = await newClient(app());
      const res = await app().app.inject({
        method: 'POST',
        url: `/oauth/token?grant_type=CLIENT_CREDENTIALS&client_id=${c.id}&client_secret=${c.secret}`,
      });
      expect(res.statusCode, res.body).toBe(200);
    });

    it('gives every token its own jti', async () => {
      const c = await newClient(app());
      const get = () =>
        app().app.inject({
          method: 'POST',
          url: `/oauth/token?grant_type=client_credentials&client_id=${c.id}&client_secret=${c.secret}`,
        });
      const [a, b] = [await get(), await get()];
      expect(a.json().jti).not.toBe(b.json().jti);
    });

    it.each([
      ['a wrong secret', (c: { id: string }) => `client_id=${c.id}&client_secret=wrong-secret`],
      ['an unknown client', () => 'client_id=0123456789abcdef0123456789abcdef&client_secret=whatever'],
    ])('refuses %s with 401 {error, error_description}', async (_what, creds) => {
      const c = await newClient(app());
      const res = await app().app.inject({
        method: 'POST',
        url: '/oauth/token',
        headers: FORM,
        payload: `grant_type=client_credentials&${creds(c)}`,
      });
      expect(res.statusCode, res.body).toBe(401);
      expect(res.json()).toEqual({ error: 'invalid_client', error_description: expect.stringMatching(/\S/) });
    });

    it('refuses a revoked client at the token endpoint at once', async () => {
      const c = await newClient(app());
      await apiClientRepository(app().services.database.db).revoke(c.id, new Date());
      const res = await app().app.inject({
        method: 'POST',
        url: `/oauth/token?grant_type=client_credentials&client_id=${c.id}&client_secret=${c.secret}`,
      });
      expect(res.statusCode, res.body).toBe(401);
      expect(res.json().error).toBe('invalid_client');
    });

    it.each([
      ['an unsupported grant', 'grant_type=password&client_id=a&client_secret=b', 'unsupported_grant_type', /password/],
      [
        'an authorization_code grant',
        'grant_type=authorization_code&code=x',
        'unsupported_grant_type',
        /authorization_code/,
      ],
      ['no grant', 'client_id=a&client_secret=b', 'invalid_request', /grant_type/],
      ['no secret', 'grant_type=client_credentials&client_id=a', 'invalid_request', /client_secret/],
      ['no client id', 'grant_type=client_credentials&client_secret=b', 'invalid_request', /client_id/],
    ])('answers %s with 400 {error, error_description}', async (_what, payload, error, description) => {
      const res = await app().app.inject({ method: 'POST', url: '/oauth/token', headers: FORM, payload });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toEqual({ error, error_description: expect.stringMatching(description) });
    });

    it("answers a malformed JSON token request with 400 in OAuth's shape, not a 500", async () => {
      const res = await app().app.inject({
        method: 'POST',
        url: '/oauth/token',
        headers: { 'content-type': 'application/json' },
        payload: '{"grant_type":',
      });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toEqual({
        error: 'invalid_request',
        error_description: expect.stringMatching(/not valid JSON/),
      });
    });

    it("GET /oauth/info names the listening address, never the request's Host header", async () => {
      const res = await app().app.inject({
        method: 'GET',
        url: '/oauth/info',
        headers: { host: 'evil.example.test:8443' },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({
        tenantId: expect.any(String),
        tenantName: expect.any(String),
        pod: expect.any(String),
        authorizeEndpoint: 'http://localhost/oauth/authorize',
        tokenEndpoint: 'http://localhost/oauth/token',
        cloudDomainUrl: 'http://localhost',
        logoutUrl: 'http://localhost/logout',
      });
    });

    it('GET /oauth/info names IDPROFILES_PUBLIC_URL when configured (a path prefix included)', async () => {
      const node = await buildApp({
        services: app().services,
        config: { rateLimit: 'off', logLevel: 'silent', publicUrl: 'https://idp.example.com/identity' },
        logger: false,
      });
      try {
        const res = await node.inject({
          method: 'GET',
          url: '/oauth/info',
          headers: { host: 'evil.example.test', 'x-forwarded-host': 'evil.example.test' },
        });
        expect(res.json()).toMatchObject({
          authorizeEndpoint: 'https://idp.example.com/identity/oauth/authorize',
          tokenEndpoint: 'https://idp.example.com/identity/oauth/token',
          cloudDomainUrl: 'https://idp.example.com/identity',
          logoutUrl: 'https://idp.example.com/identity/logout',
        });
      } finally {
        await node.close();
      }
    });

    it('GET /oauth/info names the bound address and port of a listening server', async () => {
      const node = await buildApp({
        services: app().services,
        config: { rateLimit: 'off', logLevel: 'silent' },
        logger: false,
      });
      try {
        await node.listen({ port: 0, host: '127.0.0.1' });
        const { port } = node.server.address() as { port: number };
        // node:http, not fetch: fetch never sends a Host header of the caller's choosing
        const body = await new Promise<string>((resolve, reject) => {
          httpGet({ host: '127.0.0.1', port, path: '/oauth/info', headers: { host: 'evil.example.test' } }, (res) => {
            let text = '';
            res.on('data', (d) => (text += d)).on('end', () => resolve(text));
          }).on('error', reject);
        });
        expect(JSON.parse(body).tokenEndpoint).toBe(`http://127.0.0.1:${port}/oauth/token`);
      } finally {
        await node.close();
      }
    });
  });

  describe('bearer tokens', () => {
    const signingKey = async () => loadSigningKey(app().services.database.db);

    it.each(VERSIONS)('$name: no token is 401 {error}, valid against the document', async (v) => {
      const res = await app().app.inject({ method: 'GET', url: v.base });
      expect401(res, /^JWT validation failed: no token$/, v.name, v.base);
    });

    it.each([
      ['a Basic header', 'Basic YTpi', /malformed Authorization header/],
      ['Bearer without a token', 'Bearer', /malformed Authorization header/],
      ['Bearer with two tokens', 'Bearer a b', /malformed Authorization header/],
      ['a token that is not a JWT', 'Bearer not-a-jwt', /invalid token/],
      ['a JWT of garbage segments', 'Bearer aaa.bbb.ccc', /invalid token/],
    ])('refuses %s with 401', async (_what, authorization, reason) => {
      expect401(await app().app.inject({ method: 'GET', url: LIST, headers: { authorization } }), reason);
    });

    it('refuses a token whose signature was altered', async () => {
      const token = await app().token();
      const [h, p, s] = token.split('.');
      const forged = `${h}.${p}.${s.startsWith('A') ? 'B' : 'A'}${s.slice(1)}`;
      expect401(await app().app.inject({ method: 'GET', url: LIST, headers: bearer(forged) }), /invalid token/);
    });

    it('refuses a token whose claims were altered (more scopes) after signing', async () => {
      const token = await app().token({ scopes: ['idn:identity-profile:read'] });
      const [h, _p, s] = token.split('.');
      const claims = { ...decodeJwt(token), scope: ['sp:scopes:all'] };
      const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
      expect401(await app().app.inject({ method: 'GET', url: LIST, headers: bearer(forged) }), /invalid token/);
    });

    it('refuses tokens signed with another key, with alg none, or by another issuer', async () => {
      const c = await newClient(app());
      const claims = { client_id: c.id, authorities: ['ORG_ADMIN'], scope: ['sp:scopes:all'] };
      const otherKey = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer('idprofiles')
        .setExpirationTime('5m')
        .sign(new Uint8Array(32).fill(7));
      const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ ...claims, iss: 'idprofiles', exp: 9_999_999_999 })).toString('base64url')}.`;
      const otherIssuer = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer('someone-else')
        .setExpirationTime('5m')
        .sign(await signingKey());
      for (const token of [otherKey, unsigned, otherIssuer]) {
        expect401(await app().app.inject({ method: 'GET', url: LIST, headers: bearer(token) }), /invalid token/);
      }
    });

    it('refuses a token signed with the right key whose exp has passed', async () => {
      const c = await newClient(app());
      const past = Math.floor(Date.now() / 1000) - 60;
      const token = await new SignJWT({ client_id: c.id, authorities: ['ORG_ADMIN'], scope: ['sp:scopes:all'] })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer('idprofiles')
        .setIssuedAt(past - 600)
        .setExpirationTime(past)
        .sign(await signingKey());
      expect401(
        await app().app.inject({ method: 'GET', url: LIST, headers: bearer(token) }),
        /^JWT validation failed: JWT is expired$/,
      );
    });

    it('refuses a token from a zero-TTL token service as expired', async () => {
      const c = await newClient(app());
      const tokens = createTokenService(await signingKey(), 0);
      const client = await apiClientRepository(app().services.database.db).findById(c.id);
      const { token } = await tokens.issue(client!);
      expect401(await app().app.inject({ method: 'GET', url: LIST, headers: bearer(token) }), /JWT is expired/);
    });

    it('stops accepting a token that was valid (and cached) once it expires', async () => {
      const token = await app().token();
      expect((await app().app.inject({ method: 'GET', url: LIST, headers: bearer(token) })).statusCode).toBe(200);
      advanceClock(601_000);
      expect401(await app().app.inject({ method: 'GET', url: LIST, headers: bearer(token) }), /JWT is expired/);
    });

    it('answers a valid token without the scope with 403 ErrorResponseDto naming the scope', async () => {
      const token = await app().token({ scopes: ['sp:scopes:default'] });
      const res = await app().app.inject({ method: 'GET', url: LIST, headers: bearer(token) });
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json()).toMatchObject({
        detailCode: '403 Forbidden',
        trackingId: expect.stringMatching(/^[0-9a-f]{32}$/),
      });
      expect(res.json().messages[0].text).toBe('The server understood the request but refuses to authorize it.');
      expect(res.json().causes[0].text).toMatch(/idn:identity-profile:read/);
      if (CONTRACTS_PRESENT) expectContract('v3', 'GET', LIST, 403, res.json());
    });

    it('checks the token before the body: a bad body without a token is 401, not 400', async () => {
      const res = await app().app.inject({
        method: 'POST',
        url: LIST,
        headers: { 'content-type': 'application/json' },
        payload: '{broken',
      });
      expect401(res, /no token/);
    });

    it("stops a revoked client's live token within the revocation cache window (5 s)", async () => {
      const c = await newClient(app());
      const token = (
        await app().app.inject({
          method: 'POST',
          url: `/oauth/token?grant_type=client_credentials&client_id=${c.id}&client_secret=${c.secret}`,
        })
      ).json().access_token;
      expect((await app().app.inject({ method: 'GET', url: LIST, headers: bearer(token) })).statusCode).toBe(200);
      expect(await apiClientRepository(app().services.database.db).revoke(c.id, new Date())).toBe(true);
      advanceClock(5_001);
      expect401(
        await app().app.inject({ method: 'GET', url: LIST, headers: bearer(token) }),
        /the API client was revoked/,
      );
    });

    it('refuses a correctly signed token of a client that does not exist (fail closed)', async () => {
      const tokens = createTokenService(await signingKey(), 600);
      const ghost = {
        id: 'ffffffffffffffffffffffffffffffff',
        name: 'ghost',
        secretHash: '',
        authorities: ['ORG_ADMIN'],
        scopes: ['sp:scopes:all'],
        created: new Date(),
        revokedAt: null,
      };
      const { token } = await tokens.issue(ghost);
      expect401(await app().app.inject({ method: 'GET', url: LIST, headers: bearer(token) }), /revoked/);
    });
  });

  describe('rate limit', () => {
    /** A second app on the same services (and database) with a limit of 2 per 10 s; the test app itself has `off`. */
    let limited: FastifyInstance;
    beforeAll(async () => {
      limited = await buildApp({
        services: app().services,
        config: { rateLimit: { max: 2, windowSeconds: 10 }, logLevel: 'silent' },
        logger: false,
      });
      await limited.ready();
    });
    afterAll(async () => limited?.close());
    const get = (a: FastifyInstance, url: string, token: string) =>
      a.inject({ method: 'GET', url, headers: bearer(token) });
    const statuses = async (a: FastifyInstance, url: string, token: string, n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push((await get(a, url, token)).statusCode);
      return out;
    };

    it('answers the request after the limit with 429 {"message":" Rate Limit Exceeded "} and Retry-After', async () => {
      const token = await app().token();
      expect(await statuses(limited, LIST, token, 2)).toEqual([200, 200]);
      const res = await get(limited, LIST, token);
      expect(res.statusCode).toBe(429);
      expect(res.body).toBe('{"message":" Rate Limit Exceeded "}');
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(10);
      if (CONTRACTS_PRESENT) expectContract('v3', 'GET', LIST, 429, res.json());
    });

    it('counts Retry-After down with the window and lets the client in again after it', async () => {
      const token = await app().token();
      await statuses(limited, LIST, token, 2);
      advanceClock(4_000);
      const res = await get(limited, LIST, token);
      expect(res.statusCode).toBe(429);
      expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(6);
      advanceClock(10_000);
      expect((await get(limited, LIST, token)).statusCode).toBe(200);
    });

    it('limits each client on its own', async () => {
      const [first, second] = [await app().token(), await app().token()];
      expect(await statuses(limited, LIST, first, 3)).toEqual([200, 200, 429]);
      expect(await statuses(limited, LIST, second, 2)).toEqual([200, 200]);
    });

    it('limits each API version on its own: a second version is not limited by the first', async () => {
      const token = await app().token();
      expect(await statuses(limited, '/v3/identity-profiles', token, 3)).toEqual([200, 200, 429]);
      for (const v of VERSIONS.filter((x) => x.name !== 'v3')) {
        expect(await statuses(limited, v.base, token, 3), v.name).toEqual([200, 200, 429]);
      }
      expect((await get(limited, '/v3/sources', token)).statusCode).toBe(429);
    });

    it.each([
      ['percent-encoded version', '/%76%33/identity-profiles', '/v3/identity-profiles'],
      ['doubled slashes', '/identity-profiles//v1', '/identity-profiles/v1'],
      ['doubled leading slash', '//beta/identity-profiles', '/beta/identity-profiles'],
      ['trailing slash', '/v2024/identity-profiles/', '/v2024/identity-profiles'],
    ])('counts a %s under the route it reaches', async (_what, spelled, plain) => {
      const token = await app().token();
      expect(await statuses(limited, plain, token, 2)).toEqual([200, 200]);
      const res = await get(limited, spelled, token);
      expect(res.statusCode, res.body).toBe(429);
      expect(res.json()).toEqual({ message: ' Rate Limit Exceeded ' });
    });

    it('is off with `off` (the test app): no 429 and no rate-limit headers', async () => {
      const token = await app().token();
      const responses = [];
      for (let i = 0; i < 30; i++) responses.push(await get(app().app, LIST, token));
      expect(new Set(responses.map((r) => r.statusCode))).toEqual(new Set([200]));
      expect(responses[29].headers['x-ratelimit-limit']).toBeUndefined();
    });
  });
});
