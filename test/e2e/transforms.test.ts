import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { transformRepository } from '../../src/db/repositories/transforms.js';
import { CONSOLE_ROOT } from '../../src/http/plugins/console.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { CHROMIUM, hasChromium, openBrowser, seeText, shoot, type Browser, shootIfFailed } from './browser.js';
import { serveForBrowser } from './served.js';

/**
 * The console's Transforms page in headless Chromium against a real server (PGlite): create
 * (a syntax error stops the form, the engine's refusal is shown), list, filter, page, edit the
 * attributes, and delete (refused while a profile references it). One story, in order.
 */
const dept = (attributeName: string) => ({
  input: { type: 'accountAttribute', attributes: { sourceName: 'HR', attributeName } },
});

if (!hasChromium) console.warn(`transforms e2e skipped: ${CHROMIUM} is absent (apt-get install chromium)`);

describe.skipIf(!hasChromium)('console: transforms page', { timeout: 90_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let base: string;
  let credentials: { id: string; secret: string };
  const posts: string[] = [];
  const outside: string[] = [];

  beforeAll(async () => {
    if (!existsSync(`${CONSOLE_ROOT}index.html`))
      throw new Error(`The console is not built (${CONSOLE_ROOT} has no index.html): run npm run build:web`);
    t = await startTestApp('pglite');
    ({ base, credentials } = await serveForBrowser(t, 'transforms e2e'));
    browser = await openBrowser();
    page = browser.page;
    page.on('request', (r) => {
      if (!r.url().startsWith(`${base}/`) && !r.url().startsWith('data:')) outside.push(r.url());
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/v3/transforms') posts.push(r.postData() ?? '');
    });
  }, 60_000);
  afterEach(async (ctx) => {
    await shootIfFailed(ctx, page, 'failed-transforms-');
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();
  const heading = (name: string | RegExp) => page.getByRole('heading', { level: 1, name }).waitFor();
  const dialog = () => page.getByRole('dialog');
  const editor = () => page.locator('textarea[name=t-attributes]');
  const note = () => page.locator('#t-attributes-note');
  const api = async (method: 'GET' | 'POST', url: string, payload?: object) =>
    t.app.inject({ method, url, payload, headers: await t.admin() });
  const byName = async (name: string) =>
    (await api('GET', `/v3/transforms?filters=${encodeURIComponent(`name eq "${name}"`)}`)).json()[0];

  it('signs in and opens the empty Transforms page from the main navigation', async () => {
    await page.goto(`${base}/ui/`);
    await page.locator('input[name=clientId]').fill(credentials.id);
    await page.locator('input[name=clientSecret]').fill(credentials.secret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading('Identity profiles');
    await nav('Transforms');
    await heading('Transforms');
    expect(page.url()).toBe(`${base}/ui/transforms`);
    await seeText(page.locator('main'), 'No named transforms yet');
  });

  it('stops a JSON syntax error in the form (nothing sent), then shows the engine’s refusal as the server words it', async () => {
    await page.getByRole('button', { name: 'New transform' }).click();
    await dialog().getByLabel('Name').fill('Lowercase Department');
    await dialog().getByLabel('Type').selectOption('static');
    expect(JSON.parse(await editor().inputValue())).toEqual({ value: 'Employee' }); // the type's starter
    await dialog().getByLabel('Type').selectOption('lower');
    expect(await editor().inputValue()).toBe('{}'); // an untouched starter follows the type
    await editor().fill('{\n  "input": {"type": "accountAttribute", "attributes": {"attributeName": "dept",}}\n}');
    await seeText(note(), /Not valid JSON.*line 2 column/);
    expect(await editor().getAttribute('aria-invalid')).toBe('true');
    expect(await dialog().getByRole('button', { name: 'Format JSON' }).isDisabled()).toBe(true);
    await dialog().getByRole('button', { name: 'Create transform' }).click();
    await page.locator('textarea[name=t-attributes]:focus').waitFor(); // the form points at the problem
    await shoot(page, 't01-create-json-error');
    expect(posts).toEqual([]);

    await editor().fill(JSON.stringify({ input: { type: 'noSuchOp' } }));
    expect(await editor().getAttribute('aria-invalid')).toBe('false');
    await dialog().getByRole('button', { name: 'Create transform' }).click();
    const alert = dialog().getByRole('alert');
    await seeText(alert, 'The transform was not created');
    await seeText(alert, 'unknown transform type "noSuchOp"');
    expect(posts).toHaveLength(1);
    await shoot(page, 't02-create-server-error');
  });

  it('formats the JSON and creates the transform, landing on its page', async () => {
    await editor().fill(JSON.stringify(dept('dept')));
    await dialog().getByRole('button', { name: 'Format JSON' }).click();
    expect(await editor().inputValue()).toBe(JSON.stringify(dept('dept'), null, 2));
    await dialog().getByRole('button', { name: 'Create transform' }).click();
    await heading('Lowercase Department');
    const stored = await byName('Lowercase Department');
    expect(stored).toMatchObject({ type: 'lower', attributes: dept('dept'), internal: false });
    expect(page.url()).toBe(`${base}/ui/transforms/${stored.id}`);
    await seeText(page.locator('pre', { hasText: '"type": "lower"' }), '"attributeName": "dept"');
    await seeText(page.getByRole('region', { name: 'Used by' }), 'No identity profile or transform references it');
    await shoot(page, 't03-created');
  });

  it('lists transforms with paging, filters by name and sorts by type', async () => {
    for (let i = 0; i < 52; i++)
      expect(
        (await api('POST', '/v3/transforms', { name: `Bulk ${String(i).padStart(2, '0')}`, type: 'trim' })).statusCode,
      ).toBe(201);
    expect(
      (await api('POST', '/v3/transforms', { name: 'Trim Title', type: 'trim', attributes: null })).statusCode,
    ).toBe(201);
    await nav('Transforms');
    const pager = page.getByRole('navigation', { name: 'Transforms pages' });
    await seeText(pager, '1–50 of 54');
    await pager.getByRole('button', { name: 'Next ›' }).click();
    await seeText(pager, '51–54 of 54');
    const row = page.getByRole('row', { name: /^Lowercase Department/ });
    await seeText(row, 'lower');
    await seeText(row, 'No');
    expect(await page.locator('table.transforms tbody tr').count()).toBe(4);
    await shoot(page, 't04-list-page-2');

    await page.locator('input[name=filter]').fill('zz');
    await seeText(page.locator('main'), 'No transform name starts with “zz”');
    await page.locator('input[name=filter]').fill('low');
    await row.waitFor();
    await page.locator('table.transforms tbody tr').nth(1).waitFor({ state: 'detached' });
    await seeText(page.getByRole('navigation', { name: 'Transforms pages' }), '1–1 of 1');
    await page.locator('input[name=filter]').fill('');
    const answer = page.waitForResponse(
      (r) => r.url().includes('/v3/transforms?') && r.url().includes('sorters=type%2Cname'),
    );
    await page.getByRole('button', { name: /^Type/ }).click();
    expect((await answer).status()).toBe(200);
    await page.locator('th[aria-sort=ascending]', { hasText: 'Type' }).waitFor();
    await seeText(page.locator('table.transforms tbody tr').first(), 'lower'); // lower < trim
    await shoot(page, 't05-list-sorted-by-type');
  });

  it('edits the attributes (the engine’s refusal shown), saves with PUT and keeps the change after a reload', async () => {
    await page.locator('input[name=filter]').fill('low');
    await page.getByRole('link', { name: 'Lowercase Department' }).click();
    await heading('Lowercase Department');
    await editor().fill(JSON.stringify({ input: { type: 'reference', attributes: { id: 'Lowercase Department' } } }));
    await seeText(page.getByText('Unsaved changes'), 'Unsaved');
    await page.getByRole('button', { name: 'Save attributes' }).click();
    await seeText(page.getByRole('alert'), 'The attributes were not saved');
    await seeText(page.getByRole('alert'), /Invalid transform 'Lowercase Department'/);
    await shoot(page, 't06-edit-refused');
    await page.getByRole('button', { name: 'Revert' }).click();
    expect(JSON.parse(await editor().inputValue())).toEqual(dept('dept'));

    await editor().fill(JSON.stringify(dept('department'), null, 2));
    await editor().press('Control+Enter'); // saves from the editor
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect((await byName('Lowercase Department')).attributes).toEqual(dept('department'));
    await page.reload();
    await heading('Lowercase Department');
    await editor().waitFor();
    expect(JSON.parse(await editor().inputValue())).toEqual(dept('department'));
    await shoot(page, 't07-edited');
  });

  it('refuses to delete a transform an identity profile references, with the server’s reason', async () => {
    const source = (await api('POST', '/v3/sources', { name: 'HR' })).json();
    const reference = { type: 'reference', attributes: { id: 'Lowercase Department' } };
    const profile = await api('POST', '/v3/identity-profiles', {
      name: 'Employees',
      authoritativeSource: { id: source.id },
      identityAttributeConfig: {
        enabled: true,
        attributeTransforms: [{ identityAttributeName: 'department', transformDefinition: reference }],
      },
    });
    expect(profile.statusCode).toBe(201);
    // Another transform refers to it by name in another case (names are matched ignoring case).
    const code = {
      name: 'Department Code',
      type: 'upper',
      attributes: { input: { type: 'reference', attributes: { id: 'lowercase department' } } },
    };
    expect((await api('POST', '/v3/transforms', code)).statusCode).toBe(201);
    await page.reload();
    const usedBy = page.getByRole('region', { name: 'Used by' });
    await usedBy
      .getByRole('list', { name: 'Identity profiles using it' })
      .getByRole('link', { name: 'Employees' })
      .waitFor();
    await usedBy
      .getByRole('list', { name: 'Transforms using it' })
      .getByRole('link', { name: 'Department Code' })
      .waitFor();
    await page.getByRole('button', { name: 'Delete…' }).click();
    await seeText(dialog().getByRole('heading'), 'Delete Lowercase Department?');
    await dialog().getByRole('button', { name: 'Delete', exact: true }).click();
    await seeText(
      dialog().getByRole('alert'),
      /referenced by identity profile 'Employees'.*transform 'Department Code'.*cannot be deleted/,
    );
    await shoot(page, 't08-delete-refused');
    await dialog().getByRole('button', { name: 'Close', exact: true }).last().click();
    await dialog().waitFor({ state: 'detached' });
    expect((await api('GET', `/v3/transforms/${(await byName('Lowercase Department')).id}`)).statusCode).toBe(200);
  });

  it('deletes an unreferenced transform after confirmation and returns to the list', async () => {
    const id = (await byName('Trim Title')).id;
    await page.goto(`${base}/ui/transforms/${id}`);
    await heading('Trim Title');
    await seeText(page.getByRole('region', { name: 'Used by' }), 'No identity profile or transform references it');
    await page.getByRole('button', { name: 'Delete…' }).click();
    await dialog().getByRole('button', { name: 'Delete', exact: true }).click();
    await heading('Transforms');
    expect(page.url()).toBe(`${base}/ui/transforms`);
    await page.locator('input[name=filter]').fill('Trim');
    await seeText(page.locator('main'), 'No transform name starts with “Trim”');
    expect((await api('GET', `/v3/transforms/${id}`)).statusCode).toBe(404);
  });

  it('works with the keyboard alone: create a transform, then Escape closes the delete dialog', async () => {
    await page.locator('input[name=filter]').fill('');
    await page.getByRole('button', { name: 'New transform' }).focus();
    await page.keyboard.press('Enter');
    await dialog().waitFor();
    await dialog().locator('input[name=name]:focus').waitFor();
    await page.keyboard.type('Upper Keyboard');
    await page.keyboard.press('Tab');
    await dialog().locator('select[name=type]:focus').waitFor();
    await page.keyboard.type('upper');
    await page.keyboard.press('Tab'); // Format JSON
    await page.keyboard.press('Tab');
    await dialog().locator('textarea[name=t-attributes]:focus').waitFor();
    await page.keyboard.press('Tab'); // Cancel
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await heading('Upper Keyboard');
    expect((await byName('Upper Keyboard')).type).toBe('upper');
    await page.getByRole('button', { name: 'Delete…' }).focus();
    await page.keyboard.press('Enter');
    await dialog().waitFor();
    await page.keyboard.press('Escape');
    await dialog().waitFor({ state: 'detached' });
    await page.locator('button:focus', { hasText: 'Delete…' }).waitFor(); // focus returns where it was
  });

  it('shows an internal transform read-only (no save, no delete)', async () => {
    const id = 'internal-e2e-1';
    await transformRepository(t.services.database.db).insert({
      id,
      name: 'Shipped Upper',
      type: 'upper',
      attributes: null,
      internal: true,
    });
    await nav('Transforms');
    await page.locator('input[name=filter]').fill('Shipped');
    await seeText(page.getByRole('row', { name: /^Shipped Upper/ }), 'Internal');
    await page.getByRole('link', { name: 'Shipped Upper' }).click();
    await heading('Shipped Upper');
    expect(await editor().getAttribute('readonly')).not.toBeNull();
    expect(await page.getByRole('button', { name: 'Delete…' }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Save attributes' }).count()).toBe(0);
    await seeText(note(), 'Internal transforms are read-only');
  });

  /** Nothing sticks out sideways (a wide table scrolls inside its own box). */
  async function noSidewaysScroll() {
    const overflowing = await page.evaluate<string[]>(`[...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-wrap') && !e.closest('pre, textarea'))
      .map((e) => e.tagName.toLowerCase() + '.' + e.className)`);
    expect(overflowing).toEqual([]);
  }

  it('reads well at phone width (390 px)', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await nav('Transforms');
    await seeText(page.getByRole('navigation', { name: 'Transforms pages' }), '1–50 of 56');
    await noSidewaysScroll();
    await page.locator('input[name=filter]').fill('Lower');
    await seeText(page.getByRole('navigation', { name: 'Transforms pages' }), '1–1 of 1');
    await shoot(page, 't09-phone-list');
    await page.getByRole('link', { name: 'Lowercase Department' }).click();
    await page.getByRole('region', { name: 'Used by' }).getByRole('link', { name: 'Employees' }).waitFor();
    await noSidewaysScroll();
    await shoot(page, 't10-phone-detail');
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  it('made no requests outside the server and logged no browser errors', () => {
    expect(outside).toEqual([]);
    expect(browser.problems).toEqual([]);
  });
});
