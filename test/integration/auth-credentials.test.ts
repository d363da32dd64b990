/**
 * Client credentials: only the exact secret gets a token (a trailing NUL is another secret); the
 * answer costs the same whether the client id exists or not; a revoked configured admin client
 * stays revoked across restarts.
 */
import * as crypto from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiClientRepository } from '../../src/db/repositories/clients.js';
import { createClient, ensureAdminClient } from '../../src/domain/clients/service.js';
import { hashSecret, verifySecret } from '../../src/domain/clients/secrets.js';
import type { TestApp } from '../helpers/app.js';
import { describeOnDatabases } from './identity-profiles/helpers.js';

// counts the secret checks (scrypt) behind each token request; the real function still runs
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  const scrypt = vi.fn(actual.scrypt);
  return { ...actual, scrypt, default: { ...actual, scrypt } };
});
const scryptCalls = () => vi.mocked(crypto.scrypt).mock.calls.length;
afterEach(() => vi.mocked(crypto.scrypt).mockClear());

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
/** A configured-style secret: short (HMAC pads keys under 64 bytes with zeros, where the NUL bug lived). */
const SHORT_SECRET = 'configured-secret-1';

function multipart(fields: Record<string, string>) {
  const boundary = '----idprofiles-nul-boundary';
  const parts = Object.entries(fields).map(
    ([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
  );
  return {
    payload: `${parts.join('')}--${boundary}--\r\n`,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

describeOnDatabases('client credentials', (app) => {
  const repo = () => apiClientRepository(app().services.database.db);
  const shortClient = async () =>
    (await createClient(repo(), { name: 'short', id: crypto.randomBytes(16).toString('hex'), secret: SHORT_SECRET }))
      .client;

  describe('only the exact secret', () => {
    const badCredentials = { status: 401, body: { error: 'invalid_client', error_description: 'Bad credentials' } };
    // a JSON string with a NUL is refused before any check: PostgreSQL text cannot hold one
    const badJson = {
      status: 400,
      body: { error: 'invalid_request', error_description: expect.stringMatching(/NUL/) },
    };
    it.each([
      [
        'query string',
        badCredentials,
        (id: string, secret: string) => ({
          method: 'POST' as const,
          url: `/oauth/token?grant_type=client_credentials&client_id=${id}&client_secret=${encodeURIComponent(secret)}`,
        }),
      ],
      [
        'urlencoded body',
        badCredentials,
        (id: string, secret: string) => ({
          method: 'POST' as const,
          url: '/oauth/token',
          headers: FORM,
          payload: `grant_type=client_credentials&client_id=${id}&client_secret=${encodeURIComponent(secret)}`,
        }),
      ],
      [
        'JSON body',
        badJson,
        (id: string, secret: string) => ({
          method: 'POST' as const,
          url: '/oauth/token',
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify({ grant_type: 'client_credentials', client_id: id, client_secret: secret }),
        }),
      ],
      [
        'multipart body',
        badCredentials,
        (id: string, secret: string) => ({
          method: 'POST' as const,
          url: '/oauth/token',
          ...multipart({ grant_type: 'client_credentials', client_id: id, client_secret: secret }),
        }),
      ],
    ])('refuses the secret with trailing NULs in a %s, and accepts it without', async (_where, refusal, request) => {
      const client = await shortClient();
      for (const wrong of [`${SHORT_SECRET}\0`, `${SHORT_SECRET}\0\0\0`]) {
        const res = await app().app.inject(request(client.id, wrong));
        expect(res.statusCode, res.body).toBe(refusal.status);
        expect(res.json()).toEqual(refusal.body);
      }
      expect((await app().app.inject(request(client.id, SHORT_SECRET))).statusCode).toBe(200);
    });

    it('refuses every other near miss: a prefix, an extra character, another case, trailing space', async () => {
      const stored = await hashSecret(SHORT_SECRET);
      for (const wrong of [
        SHORT_SECRET.slice(0, -1),
        `${SHORT_SECRET}x`,
        SHORT_SECRET.toUpperCase(),
        `${SHORT_SECRET} `,
        `\0${SHORT_SECRET}`,
        '',
      ]) {
        expect(await verifySecret(wrong, stored), JSON.stringify(wrong)).toBe(false);
      }
      expect(await verifySecret(SHORT_SECRET, stored)).toBe(true);
    });

    it('still verifies hashes stored in the first format, refusing a trailing NUL there too', async () => {
      // the first format: scrypt of the secret's own bytes (what every client created before this one holds)
      const salt = crypto.randomBytes(16);
      const hash = crypto.scryptSync(Buffer.from(SHORT_SECRET), salt, 32, { N: 16384, r: 8, p: 1 });
      const legacy = ['scrypt', 16384, 8, 1, salt.toString('base64url'), hash.toString('base64url')].join('$');
      expect(await verifySecret(SHORT_SECRET, legacy)).toBe(true);
      expect(await verifySecret(`${SHORT_SECRET}\0`, legacy)).toBe(false);
      expect(await verifySecret(`${SHORT_SECRET}x`, legacy)).toBe(false);
    });
  });

  describe('the same work whether the client id exists or not', () => {
    const tokenRequest = (t: TestApp, id: string, secret: string) =>
      t.app.inject({
        method: 'POST',
        url: '/oauth/token',
        headers: FORM,
        payload: `grant_type=client_credentials&client_id=${id}&client_secret=${secret}`,
      });

    it('checks the secret once for an unknown id, a revoked client and a wrong secret alike', async () => {
      const known = await shortClient();
      const revoked = await shortClient();
      await repo().revoke(revoked.id, new Date());
      for (const [id, secret] of [
        ['0123456789abcdef0123456789abcdef', 'whatever'],
        [revoked.id, SHORT_SECRET],
        [known.id, 'wrong-secret'],
      ]) {
        vi.mocked(crypto.scrypt).mockClear();
        const res = await tokenRequest(app(), id, secret);
        expect(res.statusCode, id).toBe(401);
        expect(res.json(), id).toEqual({ error: 'invalid_client', error_description: 'Bad credentials' });
        expect(scryptCalls(), `secret checks for ${id}`).toBe(1);
      }
    });
  });

  describe('the configured admin client (IDPROFILES_CLIENT_ID / _SECRET)', () => {
    const configured = () => ({ clientId: crypto.randomBytes(16).toString('hex'), clientSecret: SHORT_SECRET });

    it('stays revoked across a restart, and the start says so', async () => {
      const config = configured();
      expect(await ensureAdminClient(repo(), config)).toBeUndefined(); // first start: created as configured
      const token = await app().app.inject({
        method: 'POST',
        url: `/oauth/token?grant_type=client_credentials&client_id=${config.clientId}&client_secret=${config.clientSecret}`,
      });
      expect(token.statusCode).toBe(200);
      const revokedAt = new Date();
      expect(await repo().revoke(config.clientId, revokedAt)).toBe(true);

      const restart = await ensureAdminClient(repo(), config);
      expect(restart).toEqual({ revoked: { id: config.clientId, at: expect.any(Date) } });
      expect((await repo().findById(config.clientId))?.revokedAt).toEqual(revokedAt);
      const again = await app().app.inject({
        method: 'POST',
        url: `/oauth/token?grant_type=client_credentials&client_id=${config.clientId}&client_secret=${config.clientSecret}`,
      });
      expect(again.statusCode).toBe(401);
    });

    it('takes a changed secret at start, and an upsert never clears a revocation made meanwhile', async () => {
      const config = configured();
      await ensureAdminClient(repo(), config);
      await ensureAdminClient(repo(), { ...config, clientSecret: 'another-secret-2' });
      const client = (await repo().findById(config.clientId))!;
      expect(await verifySecret('another-secret-2', client.secretHash)).toBe(true);
      expect(await verifySecret(SHORT_SECRET, client.secretHash)).toBe(false);

      await repo().revoke(config.clientId, new Date());
      await repo().upsert({ ...client, secretHash: await hashSecret('third-secret-3'), revokedAt: null });
      const after = (await repo().findById(config.clientId))!;
      expect(after.revokedAt).not.toBeNull();
      expect(await verifySecret('third-secret-3', after.secretHash)).toBe(true);
    });

    it('replaces a first-format hash of the configured secret at start', async () => {
      const config = configured();
      const salt = crypto.randomBytes(16);
      const hash = crypto.scryptSync(Buffer.from(config.clientSecret), salt, 32, { N: 16384, r: 8, p: 1 });
      const legacy = ['scrypt', 16384, 8, 1, salt.toString('base64url'), hash.toString('base64url')].join('$');
      await repo().insert({
        id: config.clientId,
        name: 'old',
        secretHash: legacy,
        authorities: ['ORG_ADMIN'],
        scopes: ['sp:scopes:all'],
        created: new Date(),
        revokedAt: null,
      });
      await ensureAdminClient(repo(), config);
      const stored = (await repo().findById(config.clientId))!.secretHash;
      expect(stored).toMatch(/^scrypt-sha256\$/);
      expect(await verifySecret(config.clientSecret, stored)).toBe(true);
    });
  });
});
