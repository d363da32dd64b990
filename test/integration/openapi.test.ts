import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  });
});
