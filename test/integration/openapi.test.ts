import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { refsIn, resolveRefs } from '../helpers/openapi.js';

/** Our own OpenAPI document: generated from the route schemas, committed, and served with a reference page. */
describe('our OpenAPI document and /docs', () => {
  let t: TestApp;
  /** The document as served: shared shapes are `$ref`s to its components (`served` is the same, for tests that shadow `doc`). */
  let doc: any;
  let served: any;
  beforeAll(async () => {
    t = await startTestApp('pglite');
    doc = served = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json();
  });
  afterAll(async () => t?.close());

  it('matches the committed openapi.json (run `npm run openapi:export` after changing a schema)', () => {
    const committed = JSON.parse(readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8'));
    expect(doc).toEqual(committed);
  });

  it('documents every identity-profile operation of every version, with the request and response schemas that validate them', () => {
    const doc = resolveRefs(served); // as a client reads it: shared components in place
    for (const base of [
      '/v3/identity-profiles',
      '/beta/identity-profiles',
      '/v2024/identity-profiles',
      '/v2025/identity-profiles',
      '/v2026/identity-profiles',
      '/identity-profiles/v1',
    ]) {
      expect(Object.keys(doc.paths[base])).toEqual(expect.arrayContaining(['get', 'post']));
      expect(doc.paths[`${base}/{id}`].patch.requestBody).toBeDefined();
      expect(
        doc.paths[`${base}/{id}`].get.responses['200'].content['application/json'].schema.properties
          .authoritativeSource,
      ).toBeDefined();
      expect(doc.paths[`${base}/{id}`].get.responses['404']).toBeDefined();
    }
    expect(doc.paths['/v3/identity-profiles'].post.requestBody.content['application/json'].schema.required).toEqual([
      'name',
      'authoritativeSource',
    ]);
  });

  it('is a document a person can read: under 600 kB, each shared shape a component (47 schemas, 7 error answers) used where it applies', () => {
    const text = readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8');
    expect(text.length).toBeLessThan(600_000);
    expect(Object.keys(doc.components.schemas)).toHaveLength(47);
    expect(Object.keys(doc.components.responses)).toEqual(['400', '401', '403', '404', '413', '429', '500']);
    // every reference resolves, and every component is used
    const refs = refsIn(doc.paths).concat(refsIn(doc.components));
    const declared = [
      ...Object.keys(doc.components.schemas).map((name) => `#/components/schemas/${name}`),
      ...Object.keys(doc.components.responses).map((status) => `#/components/responses/${status}`),
    ];
    expect([...new Set(refs)].sort()).toEqual(declared.sort());
    // no sizeable schema is written out twice: a shape used in two places is a component
    expect(repeatedSchemas(doc.paths, 250)).toEqual([]);
    expect(doc.paths['/v3/identity-profiles/{id}'].get.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/IdentityProfile',
    });
    expect(doc.paths['/v3/identity-profiles/{id}'].get.responses['404']).toEqual({
      $ref: '#/components/responses/404',
    });
  });

  it('names a schema that differs between versions after the version: lifecycle states of v3 and v2024, of v2025 on, of beta', () => {
    const stateOf = (base: string) =>
      doc.paths[`${base}/identity-profiles/{id}/lifecycle-states/{stateId}`].get.responses['200'].content[
        'application/json'
      ].schema.$ref;
    expect(['/v3', '/v2024', '/v2025', '/v2026', '/beta'].map((prefix) => stateOf(prefix))).toEqual([
      '#/components/schemas/LifecycleStateV3',
      '#/components/schemas/LifecycleStateV3',
      '#/components/schemas/LifecycleStateV2025',
      '#/components/schemas/LifecycleStateV2025',
      '#/components/schemas/LifecycleStateBeta',
    ]);
    expect(
      doc.paths['/identity-profiles/v1/{id}/lifecycle-states/{stateId}'].get.responses['200'].content[
        'application/json'
      ].schema.$ref,
    ).toBe('#/components/schemas/LifecycleStateV2025');
    expect(doc.paths['/task-status/v1/{id}'].get.responses['200'].content['application/json'].schema.$ref).toBe(
      '#/components/schemas/TaskStatusV1',
    );
    expect(doc.paths['/v3/task-status/{id}'].get.responses['200'].content['application/json'].schema.$ref).toBe(
      '#/components/schemas/TaskStatus',
    );
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
    const behindProxy = await buildApp({
      services: t.services,
      config: { rateLimit: 'off', logLevel: 'silent', publicUrl: 'https://idp.example.com/identity' },
      logger: false,
    });
    try {
      const proxied = (await behindProxy.inject({ method: 'GET', url: '/docs/json' })).json();
      expect(proxied.components.securitySchemes.oauth2.flows.clientCredentials.tokenUrl).toBe(
        'https://idp.example.com/identity/oauth/token',
      );
    } finally {
      await behindProxy.close();
    }
  });
});

/** Object schemas written out more than once under `node`, longer than `minChars` as compact JSON (a start of each). */
function repeatedSchemas(node: unknown, minChars: number): string[] {
  const seen = new Map<string, number>();
  const walk = (n: unknown) => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    const text = JSON.stringify(n);
    if ('type' in n && text.length > minChars) seen.set(text, (seen.get(text) ?? 0) + 1);
    Object.values(n).forEach(walk);
  };
  walk(node);
  return [...seen].filter(([, n]) => n > 1).map(([text, n]) => `${n}× ${text.slice(0, 120)}`);
}
