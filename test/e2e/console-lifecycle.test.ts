import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_ROOT } from '../../src/http/plugins/console.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { accountAttr, loadAndProcess, sourceWithProfile } from '../helpers/identities.js';
import { CHROMIUM, hasChromium, openBrowser, seeText, shoot, type Browser, shootIfFailed } from './browser.js';
import { serveForBrowser } from './served.js';

if (!hasChromium) console.warn(`console lifecycle e2e skipped: ${CHROMIUM} is absent`);

/**
 * The identity page's lifecycle state (issue 15), in headless Chromium: the state computed from
 * HR's status, then set by hand to Inactive, whose DISABLE action disables the identity's account.
 * Screenshot: test-output/screenshots/identity-lifecycle-*.png.
 */
describe.skipIf(!hasChromium)('identity lifecycle state in the console', { timeout: 90_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let base: string;
  let annId: string;
  let credentials: { id: string; secret: string };

  beforeAll(async () => {
    if (!existsSync(`${CONSOLE_ROOT}index.html`))
      throw new Error(`The console is not built (${CONSOLE_ROOT} has no index.html): run npm run build:web`);
    t = await startTestApp('pglite');
    const h = await t.admin();
    const { sourceId, profileId } = await sourceWithProfile(
      t,
      h,
      { name: 'HR' },
      {
        name: 'Staff',
        mappings: {
          uid: accountAttr('HR', 'name'),
          cloudLifecycleState: { type: 'lower', attributes: { input: accountAttr('HR', 'status') } },
        },
      },
    );
    const states = (
      await t.app.inject({ method: 'GET', url: `/v2025/identity-profiles/${profileId}/lifecycle-states`, headers: h })
    ).json() as Array<{ id: string; technicalName: string }>;
    const patch = (id: string, ops: unknown[]) =>
      t.app.inject({
        method: 'PATCH',
        url: `/v2025/identity-profiles/${profileId}/lifecycle-states/${id}`,
        headers: { ...h, 'content-type': 'application/json-patch+json' },
        payload: JSON.stringify(ops),
      });
    for (const s of states) {
      const action = s.technicalName === 'active' ? 'ENABLE' : 'DISABLE';
      expect(
        (
          await patch(s.id, [
            { op: 'replace', path: '/enabled', value: true },
            { op: 'replace', path: '/accountActions', value: [{ action, allSources: true }] },
          ])
        ).statusCode,
      ).toBe(200);
    }
    await loadAndProcess(t, h, sourceId, ['id,name,status', 'e1,ann,Active', 'e2,bob,Active'].join('\n'));
    const ann = (
      await t.app.inject({
        method: 'GET',
        url: `/v2025/identities?filters=${encodeURIComponent('name eq "ann"')}`,
        headers: h,
      })
    ).json();
    annId = ann[0].id;
    ({ base, credentials } = await serveForBrowser(t, 'console lifecycle e2e'));
    browser = await openBrowser();
    page = browser.page;
  }, 60_000);
  afterEach(async (ctx) => {
    await shootIfFailed(ctx, page);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows the computed state and sets another by hand, whose account action disables the account', async () => {
    await page.goto(`${base}/ui/identities/${annId}`);
    await page.locator('input[name=clientId]').fill(credentials.id);
    await page.locator('input[name=clientSecret]').fill(credentials.secret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const state = page.getByTestId('lifecycle-state');
    await seeText(state, /Active\s*\(active\)\s*computed/i);
    await shoot(page, 'identity-lifecycle-computed');
    await page.getByLabel('Set by hand').selectOption({ label: 'Inactive (inactive)' });
    await page.getByRole('button', { name: 'Set state' }).click();
    await seeText(page.getByRole('status'), /recorded as task \w+/);
    await seeText(state, /Inactive\s*\(inactive\)\s*set by hand/i);
    await seeText(page.locator('details.account summary'), /disabled/i);
    await shoot(page, 'identity-lifecycle-set-by-hand');
    const res = await t.app.inject({ method: 'GET', url: `/v2025/identities/${annId}`, headers: await t.admin() });
    expect(res.json().lifecycleState).toEqual({ stateName: 'inactive', manuallyUpdated: true });
    expect(browser.problems).toEqual([]);
  });
});
