import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  Configuration,
  IdentityProfilesApi,
  IdentityProfilesBetaApi,
  IdentityProfilesV2024Api,
} from 'sailpoint-api-client';
import { DATABASES, postgresReachable } from '../helpers/databases.js';
import { errorResponse, failure, sdkConfiguration, startSdkServer, type SdkServer } from './harness.js';

/**
 * The SDK's own token flow: `new Configuration(...)` posts the client credentials to `tokenUrl`
 * as multipart/form-data at once, and every call then awaits that token.
 */
const postgresUp = await postgresReachable();
const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());

describe.each(DATABASES)('the SDK token flow (%s)', (kind) => {
  let s: SdkServer;
  beforeAll(async () => {
    if (kind === 'postgres' && !postgresUp) return;
    s = await startSdkServer(kind);
  });
  afterAll(async () => s?.close());
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  describe.runIf(kind === 'pglite' || postgresUp)('', () => {
    it('gets a token with one multipart/form-data POST and uses it for every version', async () => {
      const mark = s.wire.length;
      const { config, clientId } = await s.configFor({
        scopes: ['idn:identity-profile:read', 'idn:identity-profile:manage'],
        authorities: ['API'],
      });
      const token = await config.accessToken;
      expect(typeof token).toBe('string');
      expect(claims(String(token))).toMatchObject({
        client_id: clientId,
        authorities: ['API'],
        scope: ['idn:identity-profile:read', 'idn:identity-profile:manage'],
      });

      const v3 = await new IdentityProfilesApi(config).listIdentityProfiles({ limit: 1 });
      const beta = await new IdentityProfilesBetaApi(config).listIdentityProfiles({ limit: 1 });
      const v2024 = await new IdentityProfilesV2024Api(config).listIdentityProfiles({ limit: 1 });
      expect([v3.status, beta.status, v2024.status]).toEqual([200, 200, 200]);

      const sent = s.since(mark);
      expect(sent.map((r) => `${r.method} ${r.url}`)).toEqual([
        'POST /oauth/token',
        'GET /v3/identity-profiles?limit=1',
        'GET /beta/identity-profiles?limit=1',
        'GET /v2024/identity-profiles?limit=1',
      ]);
      expect(sent[0].headers['content-type']).toMatch(/^multipart\/form-data; boundary=-+[0-9a-f]+$/);
      expect(sent[0].headers).toMatchObject({
        'user-agent': expect.stringMatching(/^axios\//),
        'content-length': expect.stringMatching(/^\d+$/),
      });
      expect(sent[0].headers.authorization).toBeUndefined();
      for (const r of sent.slice(1)) expect(r.headers.authorization).toBe(`Bearer ${token}`);
    });

    it('builds its configuration from SAIL_BASE_URL, SAIL_CLIENT_ID and SAIL_CLIENT_SECRET', async () => {
      const { clientId, secret } = await s.newClient();
      vi.stubEnv('SAIL_BASE_URL', s.baseUrl);
      vi.stubEnv('SAIL_CLIENT_ID', clientId);
      vi.stubEnv('SAIL_CLIENT_SECRET', secret);
      const config = new Configuration();
      config.retriesConfig = { retries: 0 };
      expect([config.basePath, config.tokenUrl]).toEqual([s.baseUrl, `${s.baseUrl}/oauth/token`]);
      expect(claims(String(await config.accessToken)).client_id).toBe(clientId);
      const res = await new IdentityProfilesApi(config).listIdentityProfiles({ count: true });
      expect(res.status).toBe(200);
      expect(Number(res.headers['x-total-count'])).toBe(res.data.length);
    });

    it('fails the token, and then every call, on a wrong secret (the server answers 401)', async () => {
      const error = vi.spyOn(console, 'error').mockImplementation(() => {});
      const { clientId } = await s.newClient();
      const mark = s.wire.length;
      const config = sdkConfiguration({
        baseurl: s.baseUrl,
        clientId,
        clientSecret: 'wrong',
        tokenUrl: `${s.baseUrl}/oauth/token`,
      });
      await expect(config.accessToken).rejects.toThrow('Request failed with status code 401');
      expect(error).toHaveBeenCalledWith('Unable to fetch access token.  Aborting.');
      await expect(new IdentityProfilesApi(config).listIdentityProfiles()).rejects.toThrow('status code 401');
      expect(s.since(mark).map((r) => `${r.method} ${r.url}`)).toEqual(['POST /oauth/token']);
    });

    it('answers a bad bearer token with 401 {error}', async () => {
      const config = sdkConfiguration({ baseurl: s.baseUrl, accessToken: 'not-a-jwt' });
      const e = await failure(new IdentityProfilesApi(config).listIdentityProfiles());
      expect(e.response!.status).toBe(401);
      expect(e.response!.data).toEqual({ error: expect.stringMatching(/^JWT validation failed/) });
    });

    it("enforces each version's rights on the token (403 ErrorResponseDto)", async () => {
      const reader = (await s.configFor({ scopes: ['idn:identity-profile:read'] })).config;
      expect((await new IdentityProfilesApi(reader).listIdentityProfiles()).status).toBe(200);
      const refused = await failure(
        new IdentityProfilesApi(reader).createIdentityProfile({
          identityProfile: { name: 'never', authoritativeSource: { id: 'x' } },
        }),
      );
      expect(refused.response!.status).toBe(403);
      expect(refused.response!.data).toEqual(errorResponse('403 Forbidden', /./));

      // beta deletes need idn:identity-profile:delete; v3 and v2024 take manage (spec §3)
      const manager = (await s.configFor({ scopes: ['idn:identity-profile:manage'] })).config;
      const missing = 'ffffffffffffffffffffffffffffffff';
      expect(
        (await failure(new IdentityProfilesApi(manager).deleteIdentityProfile({ identityProfileId: missing })))
          .response!.status,
      ).toBe(404);
      expect(
        (await failure(new IdentityProfilesV2024Api(manager).deleteIdentityProfile({ identityProfileId: missing })))
          .response!.status,
      ).toBe(404);
      expect(
        (await failure(new IdentityProfilesBetaApi(manager).deleteIdentityProfile({ identityProfileId: missing })))
          .response!.status,
      ).toBe(403);
      const deleter = (await s.configFor({ scopes: ['idn:identity-profile:delete'] })).config;
      expect(
        (await failure(new IdentityProfilesBetaApi(deleter).deleteIdentityProfile({ identityProfileId: missing })))
          .response!.status,
      ).toBe(404);
    });
  });
});
