import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { loadContract, sharedDir, type ContractDocument } from '../../helpers/contract.js';

const sorted = (xs: readonly string[]) => [...xs].sort();

/** Each document's identity-lifecycle operations (set-lifecycle-state, process), and where we serve its paths. */
const DOCUMENTS: Array<{ doc: ContractDocument; base: string }> = [
  { doc: 'identities-lifecycle.v3', base: '/v3' },
  { doc: 'identities-lifecycle.beta', base: '/beta' },
  { doc: 'identities-lifecycle.v2024', base: '/v2024' },
  { doc: 'identities-lifecycle.v2025', base: '/v2025' },
  { doc: 'identities-lifecycle.v2026', base: '/v2026' },
  { doc: 'per-service/identities.v1', base: '' },
  { doc: 'per-service/lifecycle-states.v1', base: '' },
];

/**
 * Issue 15's identity operations: every one a document declares is a route of ours with exactly its
 * scopes and user levels (the routes' rights are data: http/rights.ts), and
 * no version serves one its document lacks (v3 has no process, beta no set-lifecycle-state).
 */
describe.runIf(sharedDir() !== undefined)('identity lifecycle operations as the documents declare them', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('pglite');
  });
  afterAll(async () => t?.close());

  it.each(DOCUMENTS)('$doc', ({ doc, base }) => {
    const ops = loadContract(doc).operations.filter((o) => /\/(set-lifecycle-state|process)$/.test(o.path));
    expect(ops.length).toBeGreaterThan(0);
    const routes = t.app.routeIndex.routes;
    for (const op of ops) {
      const url = `${base}${op.path}`.replace(/\{[^}]+\}/g, ':id');
      const route = routes.find((r) => r.method === op.method && r.url === url);
      expect(route, `${op.method} ${url}`).toBeDefined();
      const rights = route!.config.rights as { scopes: string[]; userLevels: string[] };
      expect({ scopes: sorted(rights.scopes), userLevels: sorted(rights.userLevels) }, op.operationId).toEqual({
        scopes: sorted(op.scopes),
        userLevels: sorted(op.userLevels),
      });
    }
  });

  it('serves no identity lifecycle operation a version lacks', () => {
    const urls = new Set(t.app.routeIndex.routes.map((r) => `${r.method} ${r.url}`));
    expect(urls.has('POST /v3/identities/process')).toBe(false);
    expect(urls.has('POST /beta/identities/:id/set-lifecycle-state')).toBe(false);
    expect(urls.has('POST /v2025/identities/process')).toBe(true);
  });
});
