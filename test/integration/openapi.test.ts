import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

/** Our own OpenAPI document: generated from the route schemas, committed, and served with a reference page. */
describe('our OpenAPI document and /docs', () => {
  let t: TestApp;
  let doc: any;
  beforeAll(async () => {
    t = await startTestApp('pglite');
    doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json();
  });
  afterAll(async () => t?.close());

  it('matches the committed openapi.json (run `npm run openapi:export` after changing a schema)', () => {
    const committed = JSON.parse(readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8'));
    expect(doc).toEqual(committed);
  });

  it('documents every identity-profile operation of every version, with the request and response schemas that validate them', () => {
    for (const base of ['/v3/identity-profiles', '/beta/identity-profiles', '/v2024/identity-profiles', '/v2025/identity-profiles', '/v2026/identity-profiles', '/identity-profiles/v1']) {
      expect(Object.keys(doc.paths[base])).toEqual(expect.arrayContaining(['get', 'post']));
      expect(doc.paths[`${base}/{id}`].patch.requestBody).toBeDefined();
      expect(doc.paths[`${base}/{id}`].get.responses['200'].content['application/json'].schema.properties.authoritativeSource).toBeDefined();
      expect(doc.paths[`${base}/{id}`].get.responses['404']).toBeDefined();
    }
    expect(doc.paths['/v3/identity-profiles'].post.requestBody.content['application/json'].schema.required).toEqual(['name', 'authoritativeSource']);
  });

  it('serves a readable API reference page at /docs without a token, with its assets from this server', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) expect(asset).not.toMatch(/^https?:\/\//);
    // our policy: no inline script, no upgrade to https of a plain-HTTP server's own assets, nothing from elsewhere
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toMatch(/upgrade-insecure-requests|validator\.swagger\.io|https:/);
  });

  it('names the package version and offers client credentials at the token URL clients reach (IDPROFILES_PUBLIC_URL)', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(doc.info.version).toBe(version);
    expect(doc.security).toEqual([{ oauth2: [] }]);
    expect(doc.components.securitySchemes.oauth2.flows.clientCredentials.tokenUrl).toBe('/oauth/token');
    const behindProxy = await buildApp({ services: t.services, config: { rateLimit: 'off', logLevel: 'silent', publicUrl: 'https://idp.example.com/identity' }, logger: false });
    try {
      const proxied = (await behindProxy.inject({ method: 'GET', url: '/docs/json' })).json();
      expect(proxied.components.securitySchemes.oauth2.flows.clientCredentials.tokenUrl).toBe('https://idp.example.com/identity/oauth/token');
    } finally {
      await behindProxy.close();
    }
  });
});
