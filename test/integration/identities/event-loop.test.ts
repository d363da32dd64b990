import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, waitForTask, type TestApp } from '../../helpers/app.js';
import { DATABASES, type DbKind } from '../../helpers/databases.js';
import { accountAttr, loadAndProcess, sourceWithProfile } from '../../helpers/identities.js';

/**
 * Processing never holds the event loop for long (issue 13). A run of costly mappings — ~10 ms
 * per identity, within the engine's per-identity step budget — used to evaluate a whole chunk
 * back to back: 400 identities (one chunk on PostgreSQL) held the event loop ~4 s, and on PGlite
 * each 250-identity transaction ~2.5 s; every request of the process waited that long. Evaluation
 * now gives the event loop a turn every ~10 ms, so the longest delay stays under BOUND_MS, ≥ 10×
 * below the old code's, with room for a loaded 2-core machine. On PGlite the bound is wider: its
 * statements run on the main thread too (tens of ms each on a loaded machine, cheap mappings or not).
 */
const IDENTITIES = 400;
const BOUND_MS: Record<DbKind, number> = { postgres: 100, pglite: 250 };
/** 5,000 template steps (of the identity's 400,000): ~0.8 ms. Twelve make an identity cost ~10 ms. */
const costly = { type: 'static', attributes: { value: '#foreach($i in [1..5000])#{end}ok' } };
const COSTLY_MAPPINGS = 12;

describe.each(DATABASES)('the event loop while processing on %s', (kind) => {
  let t: TestApp;
  let h: Record<string, string>;
  let profileId: string;

  beforeAll(async () => {
    t = await startTestApp(kind);
    h = await t.admin();
    let sourceId: string;
    ({ sourceId, profileId } = await sourceWithProfile(t, h, { name: 'HR' }, { name: 'Staff', mappings: { uid: accountAttr('HR', 'name') } }));
    const csv = `id,name\n${Array.from({ length: IDENTITIES }, (_, i) => `e${i},user${i}`).join('\n')}\n`;
    const first = await loadAndProcess(t, h, sourceId, csv);
    expect(first.result).toMatchObject({ processed: IDENTITIES, failed: 0 });
  }, 60_000);
  afterAll(async () => t?.close());

  it('keeps turning while costly mappings are evaluated', async () => {
    const attributeTransforms = [
      { identityAttributeName: 'uid', transformDefinition: accountAttr('HR', 'name') },
      ...Array.from({ length: COSTLY_MAPPINGS }, (_, i) => ({ identityAttributeName: `costly${i}`, transformDefinition: costly })),
    ];
    const patch = await t.app.inject({
      method: 'PATCH', url: `/v3/identity-profiles/${profileId}`, headers: { ...h, 'content-type': 'application/json-patch+json' },
      payload: JSON.stringify([{ op: 'replace', path: '/identityAttributeConfig', value: { enabled: true, attributeTransforms } }]),
    });
    expect(patch.statusCode).toBe(200);

    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    let run;
    try {
      const res = await t.app.inject({ method: 'POST', url: `/v3/identity-profiles/${profileId}/process-identities`, headers: h });
      expect(res.statusCode).toBe(202);
      run = await waitForTask(t, res.headers.location!.toString().split('/').pop()!, 120_000);
    } finally {
      delay.disable();
    }
    // every identity was evaluated with the costly mappings (each gained their attributes)
    expect(run.result).toMatchObject({ processed: IDENTITIES, changed: IDENTITIES, failed: 0 });
    const maxMs = delay.max / 1e6;
    expect(maxMs, `longest event-loop delay while processing: ${maxMs.toFixed(0)} ms`).toBeLessThan(BOUND_MS[kind]);
  }, 150_000);
});
