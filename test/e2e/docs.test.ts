import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { CHROMIUM, hasChromium, openBrowser, shoot, type Browser, shootIfFailed } from './browser.js';
import { serveForBrowser } from './served.js';

const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

if (!hasChromium)
  console.warn(`API reference e2e skipped: ${CHROMIUM} is absent (apt-get install chromium; .ci/run installs it)`);

/**
 * The API reference at /docs in headless Chromium: our title and version, sections in order,
 * "Authorize" getting a token by client credentials and "Try it out" using it — and not one
 * console error (a Content-Security-Policy violation is one).
 */
describe.skipIf(!hasChromium)('/docs in headless Chromium', { timeout: 90_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let base: string;
  let credentials: { id: string; secret: string };

  beforeAll(async () => {
    t = await startTestApp('pglite');
    ({ base, credentials } = await serveForBrowser(t, 'docs e2e'));
    browser = await openBrowser();
    page = browser.page;
    await page.goto(`${base}/docs`);
    await page.locator('.info .title').waitFor();
  }, 60_000);
  afterEach(async (ctx) => {
    await shootIfFailed(ctx, page, 'docs-failed-');
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows our title and the package version, in the page and the tab', async () => {
    await expect(page.title()).resolves.toBe(`idprofiles ${VERSION} — API reference`);
    expect(await page.locator('.info .title').innerText()).toMatch(
      new RegExp(`^idprofiles — Identity Profiles API\\s+${VERSION.replace(/\./g, '\\.')}\\b`),
    );
    expect((await page.locator('.info .title .version').first().innerText()).trim()).toBe(VERSION);
    expect(
      await page.locator('link[rel="icon"]').evaluateAll((links) => links.map((l) => l.getAttribute('href'))),
    ).toEqual(['/docs/static/theme/favicon.svg']);
    expect(await page.locator('.topbar').count()).toBe(0); // no Fastify logo bar
  });

  it('lists the sections in order: the token first, then v3 and the newer versions', async () => {
    expect(
      await page
        .locator('.opblock-tag-section h3 .opblock-tag, .opblock-tag-section .opblock-tag span, h3.opblock-tag')
        .evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute('data-tag')).filter(Boolean))]),
    ).toEqual([
      'OAuth',
      'Identity Profiles (v3)',
      'Identity Profiles (v2026)',
      'Identity Profiles (v2025)',
      'Identity Profiles (v2024)',
      'Identity Profiles (beta)',
      'Identity Profiles (v1)',
      'Lifecycle States',
      'Sources',
      'Accounts',
      'Identities',
      'Transforms',
      'Task Status',
    ]);
  });

  it('"Authorize" gets a token by client credentials from our token URL, and "Try it out" uses it', async () => {
    await page.getByRole('button', { name: 'Authorize' }).first().click();
    const dialog = page.locator('.dialog-ux .modal-ux');
    await dialog.getByText('Flow: clientCredentials').waitFor();
    await dialog.getByText('/oauth/token').first().waitFor();
    await dialog.getByLabel('client_id').fill(credentials.id);
    await dialog.getByLabel('client_secret').fill(credentials.secret);
    await shoot(page, 'docs-authorize');
    await dialog.locator('button.authorize', { hasText: 'Authorize' }).click();
    await dialog.locator('button', { hasText: 'Logout' }).waitFor(); // swagger-ui holds a token now
    await dialog.locator('button', { hasText: 'Close' }).click();

    await page.locator('.opblock-tag[data-tag="Sources"]').click();
    const list = page.locator('#operations-Sources-get_v3_sources');
    await list.locator('.opblock-summary').click();
    await list.getByRole('button', { name: 'Try it out' }).click();
    await list.getByRole('button', { name: 'Execute' }).click();
    const status = list.locator('.live-responses-table tbody .response-col_status').first();
    await status.waitFor();
    expect((await status.innerText()).trim()).toBe('200'); // the bearer token from "Authorize" was sent
    await shoot(page, 'docs-try-it-out');
  });

  it('logs no console error: no Content-Security-Policy violation', () => {
    expect(browser.problems).toEqual([]);
  });
});
