import { existsSync } from 'node:fs';
import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/domain/shared/schema.js';
import { CONSOLE_ROOT } from '../../src/http/plugins/console.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { CHROMIUM, hasChromium, openBrowser, seeText, shoot, type Browser, shootIfFailed } from './browser.js';
import { serveForBrowser } from './served.js';

/**
 * The profile page's Provisioning section in headless Chromium against a real server (PGlite):
 * the default states with their identity counts, which mapping feeds `cloudLifecycleState`, and
 * creating, editing and deleting a state — each change read back through the API.
 */
if (!hasChromium) console.warn(`lifecycle-states e2e skipped: ${CHROMIUM} is absent`);

describe.skipIf(!hasChromium)('console: lifecycle states', { timeout: 90_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let base: string;
  let credentials: { id: string; secret: string };
  let auth: Record<string, string>;
  let profileId: string;
  let source: { id: string; name: string };
  const api = async (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) => {
    const res = await t.app.inject({
      method,
      url,
      headers: {
        ...auth,
        ...(payload === undefined
          ? {}
          : { 'content-type': method === 'PATCH' ? 'application/json-patch+json' : 'application/json' }),
      },
      payload: payload === undefined ? undefined : JSON.stringify(payload),
    });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.json();
  };
  const states = () => api('GET', `/v2025/identity-profiles/${profileId}/lifecycle-states`);
  const section = () => page.getByRole('region', { name: /Provisioning/ });
  const row = (name: string) =>
    section()
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name }) });

  beforeAll(async () => {
    if (!existsSync(`${CONSOLE_ROOT}index.html`))
      throw new Error(`The console is not built (${CONSOLE_ROOT} has no index.html): run npm run build:web`);
    t = await startTestApp('pglite');
    ({ base, credentials } = await serveForBrowser(t, 'lifecycle e2e'));
    auth = await t.admin();
    source = await api('POST', '/v3/sources', { name: 'HR' });
    profileId = (
      await api('POST', '/v3/identity-profiles', {
        name: 'Employees',
        authoritativeSource: { type: 'SOURCE', id: source.id },
      })
    ).id;
    // two identities in Active, as processing would leave them (the other helper's part writes these columns)
    for (const name of ['ann', 'bob']) {
      await sql`insert into identities (id, name, profile_id, lifecycle_state) values (${newId()}, ${name}, ${profileId}, 'active')`.execute(
        t.services.database.db,
      );
    }
    browser = await openBrowser();
    page = browser.page;
  }, 60_000);
  afterEach(async (ctx) => {
    await shootIfFailed(ctx, page, 'failed-lcs-');
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows the default states with their identity counts, and that no mapping feeds cloudLifecycleState', async () => {
    await page.goto(`${base}/ui/profiles/${profileId}`);
    await page.locator('input[name=clientId]').fill(credentials.id);
    await page.locator('input[name=clientSecret]').fill(credentials.secret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Employees' }).waitFor();
    await seeText(section().getByTestId('state-source'), 'No mapping: identities get no state');
    await seeText(row('Active'), 'active');
    expect(await row('Active').getByRole('cell').nth(4).textContent()).toBe('2');
    expect(await row('Inactive').getByRole('cell').nth(4).textContent()).toBe('0');
  });

  it('creates a state with an identity state and an account action on a source', async () => {
    await section().getByRole('button', { name: 'Add lifecycle state' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name', { exact: true }).fill('Leaver');
    await dialog.getByLabel('Technical name').fill('ACTIVE');
    await seeText(dialog, 'already has a state with this technical name');
    await dialog.getByLabel('Technical name').fill('leaver');
    await dialog.getByLabel('Description').fill('Left the company');
    await dialog.getByLabel('Identity state').selectOption('INACTIVE_LONG_TERM');
    await dialog.getByRole('button', { name: 'Add account action' }).click();
    await dialog.getByRole('group', { name: 'Account action 1' }).getByLabel('HR').check();
    await shoot(page, 'lifecycle-state-dialog');
    await dialog.getByRole('button', { name: 'Create state' }).click();
    await seeText(row('Leaver'), 'Disable on HR');
    await seeText(row('Leaver'), 'Inactive (long term)');
    const leaver = (await states()).find((s: any) => s.technicalName === 'leaver');
    expect(leaver).toMatchObject({
      name: 'Leaver',
      enabled: true,
      identityState: 'INACTIVE_LONG_TERM',
      description: 'Left the company',
      accountActions: [{ action: 'DISABLE', sourceIds: [source.id], excludeSourceIds: null, allSources: false }],
    });
  });

  it('edits a state: disables it and acts on all sources instead', async () => {
    await row('Leaver').getByRole('button', { name: 'Edit lifecycle state Leaver' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.getByLabel('Technical name').getAttribute('readonly')).not.toBeNull();
    await dialog.getByLabel('Enabled').uncheck();
    await dialog.getByRole('group', { name: 'Account action 1' }).getByLabel('On all sources').check();
    await dialog.getByRole('button', { name: 'Save state' }).click();
    await seeText(row('Leaver'), 'Disable on all sources');
    const leaver = (await states()).find((s: any) => s.technicalName === 'leaver');
    expect(leaver).toMatchObject({
      enabled: false,
      accountActions: [{ action: 'DISABLE', sourceIds: null, excludeSourceIds: [], allSources: true }],
    });
  });

  it('refuses to delete a state identities are in, and deletes one that has none', async () => {
    await row('Active').getByRole('button', { name: 'Delete lifecycle state Active' }).click();
    let dialog = page.getByRole('dialog');
    await seeText(dialog, '2 identities are in this state');
    await dialog.getByRole('button', { name: 'Delete state' }).click();
    await seeText(dialog.getByRole('alert'), 'cannot be deleted');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await row('Leaver').getByRole('button', { name: 'Delete lifecycle state Leaver' }).click();
    dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Delete state' }).click();
    await row('Leaver').waitFor({ state: 'detached' });
    expect((await states()).map((s: any) => s.technicalName)).toEqual(['active', 'inactive']);
  });

  it('names the mapping that feeds cloudLifecycleState', async () => {
    await api('PATCH', `/v3/identity-profiles/${profileId}`, [
      {
        op: 'replace',
        path: '/identityAttributeConfig',
        value: {
          enabled: true,
          attributeTransforms: [
            {
              identityAttributeName: 'cloudLifecycleState',
              transformDefinition: {
                type: 'accountAttribute',
                attributes: { sourceName: 'HR', attributeName: 'status' },
              },
            },
          ],
        },
      },
    ]);
    await page.reload();
    await seeText(
      section().getByTestId('state-source'),
      'Identities get their state from the mapping cloudLifecycleState',
    );
    await seeText(section().getByTestId('state-source'), 'status');
    await seeText(row('Active'), 'active');
    await shoot(page, 'lifecycle-states-provisioning');
    expect(browser.problems).toEqual([]);
  });
});
