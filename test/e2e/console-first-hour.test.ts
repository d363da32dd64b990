import { existsSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PROFILE, DEMO_SOURCE, runDemo } from '../../src/cli/demo.js';
import { generateHrPeople } from '../../src/cli/sample-hr.js';
import { CONSOLE_ROOT } from '../../src/http/plugins/console.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { CHROMIUM, hasChromium, openBrowser, seeText, shoot, type Browser, shootIfFailed } from './browser.js';
import { serveForBrowser } from './served.js';

/**
 * The console on the demo's population (`idprofiles demo`: 1,000 people), as a new administrator
 * meets it: transforms edited as forms, mappings naming columns the source never had, identities
 * filtered by profile, attribute and manager, the sources' state. Screenshots in
 * test-output/screenshots/first-hour-*.png. The tests run in order and build on each other.
 */
if (!hasChromium) console.warn(`console e2e skipped: ${CHROMIUM} is absent`);

describe.skipIf(!hasChromium)('console: the first hour, on the demo population', { timeout: 90_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let base: string;
  let h: Record<string, string>;
  let profileId: string;

  beforeAll(async () => {
    if (!existsSync(`${CONSOLE_ROOT}index.html`))
      throw new Error(`The console is not built (${CONSOLE_ROOT} has no index.html): run npm run build:web`);
    t = await startTestApp('pglite');
    const served = await serveForBrowser(t, 'first hour');
    base = served.base;
    const credentials = served.credentials;
    expect(
      await runDemo(
        ['--url', base, '--client-id', credentials.id, '--client-secret', credentials.secret],
        new PassThrough() as unknown as NodeJS.WriteStream,
      ),
    ).toBe(0);
    h = await t.admin();
    profileId = (await get(`/v3/identity-profiles?filters=${encodeURIComponent(`name eq "${DEMO_PROFILE}"`)}`))[0].id;
    browser = await openBrowser();
    page = browser.page;
    await page.goto(`${base}/ui/`);
    await page.locator('input[name=clientId]').fill(credentials.id);
    await page.locator('input[name=clientSecret]').fill(credentials.secret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Identity profiles' }).waitFor();
  }, 120_000);
  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail' || !page) return;
    await shootIfFailed(ctx, page, 'failed-first-hour-');
    if (await page.getByRole('dialog').count()) await page.keyboard.press('Escape'); // the next step starts on the page
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function get(url: string) {
    const res = await t.app.inject({ url, headers: h });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  }
  const savedMapping = async (name: string) =>
    (await get(`/v3/identity-profiles/${profileId}`)).identityAttributeConfig.attributeTransforms.find(
      (m: { identityAttributeName: string }) => m.identityAttributeName === name,
    )?.transformDefinition;
  const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();
  const dialog = () => page.getByRole('dialog');
  const account = (attributeName: string) => ({
    type: 'accountAttribute',
    attributes: expect.objectContaining({ sourceName: DEMO_SOURCE, attributeName }),
  });
  const saveMappings = async () => {
    await page.getByRole('button', { name: 'Save mappings' }).click();
    await page.getByText('Unsaved changes').waitFor({ state: 'detached' });
  };

  it('opens a transform as a form (lower of an attribute), with the JSON view still there', async () => {
    await page.getByRole('link', { name: DEMO_PROFILE }).click();
    await page.getByRole('heading', { level: 1, name: DEMO_PROFILE }).waitFor();
    await page.getByRole('button', { name: 'Edit mapping email' }).click();
    expect(await dialog().getByLabel('A transform (form)').isChecked()).toBe(true);
    expect(await dialog().locator('#tf-type').inputValue()).toBe('lower');
    expect(await dialog().locator('#tf-in-type').inputValue()).toBe('accountAttribute');
    expect(await dialog().locator('#tf-in-attr').inputValue()).toBe('email');
    await shoot(page, 'first-hour-01-mapping-form-lower');
    // the form's change is the JSON's: upper instead of lower
    await dialog().locator('#tf-type').selectOption('upper');
    await dialog().getByLabel('A transform (JSON)').check();
    expect(JSON.parse(await dialog().locator('textarea[name=transformDefinition]').inputValue())).toEqual({
      type: 'upper',
      attributes: { input: account('email') },
    });
    await dialog().getByRole('button', { name: 'Cancel' }).click();
  });

  it('builds a concat of two attributes and text in the form; the preview and the saved profile have it', async () => {
    await page.getByRole('button', { name: 'Add mapping' }).click();
    await dialog().locator('input[name=identityAttributeName]').fill('sortName');
    await dialog().getByLabel('A transform (form)').check();
    await dialog().locator('#tf-type').selectOption('concat');
    // the starter: an attribute, a space, an attribute
    await dialog().locator('#tf-v0-attr').fill('lastName');
    await dialog().locator('#tf-v1-text').fill(', ');
    await dialog().locator('#tf-v2-attr').fill('firstName');
    await shoot(page, 'first-hour-02-mapping-form-concat');
    await dialog().getByRole('button', { name: 'Add', exact: true }).click();
    const row = page.getByRole('row', { name: /^sortName / });
    await seeText(row, 'concat(Demo HR · lastName, ", ", Demo HR · firstName)');
    const preview = page.getByRole('region', { name: 'Preview' });
    await preview.getByRole('searchbox', { name: 'Identity to preview' }).fill('daniel.q');
    await preview.getByRole('button', { name: /^daniel\.quintero/ }).click();
    await seeText(preview.getByRole('row', { name: /^sortName/ }), 'Quintero, Daniel');
    await saveMappings();
    expect(await savedMapping('sortName')).toEqual({
      type: 'concat',
      attributes: { values: [account('lastName'), ', ', account('firstName')] },
    });
  });

  it('edits a lookup table and a condition in the form', async () => {
    await page.getByRole('button', { name: 'Add mapping' }).click();
    await dialog().locator('input[name=identityAttributeName]').fill('region');
    await dialog().getByLabel('Source', { exact: true }).selectOption({ label: DEMO_SOURCE });
    await dialog().getByLabel('Account attribute', { exact: true }).selectOption('location');
    await dialog().getByLabel('A transform (form)').check();
    await dialog().locator('#tf-type').selectOption('lookup'); // the attribute becomes the lookup's input
    expect(await dialog().locator('#tf-in-attr').inputValue()).toBe('location');
    await dialog().getByRole('button', { name: 'Add a row' }).click();
    await dialog().locator('#tf-k0').fill('US');
    await dialog().locator('#tf-r0').fill('Americas');
    await dialog().locator('#tf-default').fill('EMEA/APAC');
    await shoot(page, 'first-hour-03-mapping-form-lookup');
    await dialog().getByRole('button', { name: 'Add', exact: true }).click();

    await page.getByRole('button', { name: 'Edit mapping active' }).click();
    expect(await dialog().locator('#tf-type').inputValue()).toBe('conditional');
    expect(await dialog().locator('#tf-expr').inputValue()).toBe('$status eq terminated');
    expect(await dialog().locator('#tf-val-status-attr').inputValue()).toBe('employmentStatus');
    await dialog().locator('#tf-then').fill('no');
    await dialog().locator('#tf-else').fill('yes');
    await dialog().getByRole('button', { name: 'Apply' }).click();
    await saveMappings();
    expect(await savedMapping('region')).toEqual({
      type: 'lookup',
      attributes: { input: account('location'), table: { US: 'Americas', default: 'EMEA/APAC' } },
    });
    expect(await savedMapping('active')).toMatchObject({
      type: 'conditional',
      attributes: { expression: '$status eq terminated', positiveCondition: 'no', negativeCondition: 'yes' },
    });
  });

  it('keeps a transform the form cannot show in JSON (nothing is dropped)', async () => {
    await page.getByRole('button', { name: 'Add mapping' }).click();
    await dialog().locator('input[name=identityAttributeName]').fill('initials');
    await dialog().getByLabel('A transform (JSON)').check();
    const substring = {
      type: 'substring',
      attributes: {
        input: { type: 'accountAttribute', attributes: { sourceName: DEMO_SOURCE, attributeName: 'firstName' } },
        begin: 0,
        end: 1,
      },
    };
    await dialog().locator('textarea[name=transformDefinition]').fill(JSON.stringify(substring));
    expect(await dialog().getByLabel('A transform (form)').isDisabled()).toBe(true);
    await seeText(dialog(), 'has parts the form does not show');
    await dialog().getByRole('button', { name: 'Cancel' }).click();
  });

  it('warns about an account attribute the source has never had (jobtitle where the file has title)', async () => {
    await page.getByRole('button', { name: 'Add mapping' }).click();
    await dialog().locator('input[name=identityAttributeName]').fill('jobTitle');
    await dialog().getByLabel('A transform (form)').check();
    await dialog().locator('#tf-type').selectOption('upper');
    await dialog().locator('#tf-in-attr').fill('jobtitle');
    await seeText(dialog().locator('.unknown-attribute'), '“jobtitle” is not a column of Demo HR');
    await dialog().locator('#tf-in-attr').fill('Title');
    await seeText(dialog().locator('.unknown-attribute'), 'did you mean “title”?');
    await dialog().locator('#tf-in-attr').fill('title');
    await dialog().locator('.unknown-attribute').waitFor({ state: 'detached' });
    await dialog().locator('#tf-in-attr').fill('jobtitle');
    await dialog().getByLabel('A transform (JSON)').check(); // the JSON view warns too
    await seeText(dialog().locator('.unknown-attribute'), '“jobtitle” is not a column of Demo HR');
    await dialog().getByRole('button', { name: 'Add', exact: true }).click();
    await seeText(
      page.getByRole('row', { name: /^jobTitle / }).locator('.unknown-attribute'),
      '“jobtitle” is not a column of Demo HR',
    );
    expect(await page.locator('table.mappings .unknown-attribute').count()).toBe(1); // the other mappings name real columns
    await shoot(page, 'first-hour-04-unknown-attribute');
    await page.getByRole('button', { name: 'Remove mapping jobTitle' }).click();
  });

  const people = generateHrPeople();
  const managers = new Set(people.map((p) => p.managerId).filter(Boolean));
  const pager = () => page.getByRole('navigation', { name: 'Identities pages' });

  it('filters identities by profile, by attribute and to managers, in a compact list', async () => {
    await nav('Identities');
    await seeText(pager(), '1–50 of 1,000');
    const filters = page.getByRole('search', { name: 'Filter identities' });
    await filters.getByLabel('Profile').selectOption({ label: DEMO_PROFILE });
    await seeText(pager(), '1–50 of 1,000');
    const legal = people.filter((p) => p.department === 'Legal');
    await filters.locator('input[name=attribute]').fill('department');
    await filters.locator('input[name=attributeValue]').fill('leg');
    await seeText(pager(), `1–50 of ${legal.length}`);
    await filters.getByLabel('Managers only').check();
    const legalManagers = legal
      .filter((p) => managers.has(p.id))
      .map((p) => p.userName)
      .sort();
    await seeText(pager(), `1–${legalManagers.length} of ${legalManagers.length}`);
    const list = page.getByRole('list', { name: 'Identities' });
    expect(await list.locator('li b').allTextContents()).toEqual(legalManagers);
    expect(await list.locator('li .badge', { hasText: 'manager' }).count()).toBe(legalManagers.length);
    // compact: one identity takes at most two short lines
    const heights = await list.locator('li').evaluateAll((lis) => lis.map((li) => li.getBoundingClientRect().height));
    expect(Math.max(...heights)).toBeLessThan(56);
    await shoot(page, 'first-hour-05-identities-filtered');
    await filters.getByRole('button', { name: 'Clear filters' }).click();
    await seeText(pager(), '1–50 of 1,000');
  });

  it('shows a manager with their direct reports, and lists those reports', async () => {
    const ceo = people[0];
    const reports = people
      .filter((p) => p.managerId === ceo.id)
      .map((p) => p.userName)
      .sort();
    await page.locator('input[name=search]').fill(ceo.userName);
    await page.getByRole('link', { name: new RegExp(`^${ceo.userName}`) }).click();
    const detail = page.locator('article.identity');
    await seeText(detail.getByRole('heading', { level: 2 }), ceo.userName);
    await seeText(detail.locator('.badge'), 'manager');
    const section = detail.getByRole('region', { name: /Direct reports/ });
    await seeText(section.getByRole('heading'), `Direct reports (${reports.length})`);
    expect((await section.getByRole('link').allTextContents()).sort()).toEqual(reports);
    await shoot(page, 'first-hour-06-identity-reports');
    await section.getByRole('button', { name: 'List them on the left' }).click();
    await page.locator('input[name=search]').fill('');
    await seeText(page.getByRole('status').filter({ hasText: 'Reports of' }), ceo.userName);
    await seeText(pager(), `1–${reports.length} of ${reports.length}`);
    expect(await page.getByRole('list', { name: 'Identities' }).locator('li b').allTextContents()).toEqual(reports);
    // a report of someone is not a manager unless someone reports to them
    const staff = people.find((p) => !managers.has(p.id))!;
    await page.getByRole('button', { name: 'Stop filtering by manager' }).click();
    await page.locator('input[name=search]').fill(staff.userName);
    await page.getByRole('link', { name: new RegExp(`^${staff.userName}`) }).click();
    await seeText(detail.getByRole('heading', { level: 2 }), staff.userName);
    expect(await detail.getByRole('region', { name: /Direct reports/ }).count()).toBe(0);
    expect(await detail.locator('h2 .badge').count()).toBe(0);
  });

  it('shows each source with its accounts, last load and profile, and deletes one (refused while a profile uses it)', async () => {
    const spare = (
      await t.app.inject({ method: 'POST', url: '/v3/sources', headers: h, payload: { name: 'Spare' } })
    ).json();
    await nav('Sources');
    const demo = page.getByRole('row', { name: new RegExp(`^${DEMO_SOURCE}`) });
    await seeText(demo.locator('td[data-label=Accounts]'), '1,000');
    await seeText(demo.locator('td[data-label="Last load"]'), 'Success');
    await seeText(demo.locator('td[data-label="Last load"]'), '1,000 rows: 1,000 added, 0 updated, 0 removed');
    await seeText(demo.getByRole('link', { name: DEMO_PROFILE }), DEMO_PROFILE);
    const spareRow = page.getByRole('row', { name: /^Spare/ });
    await seeText(spareRow.locator('td[data-label=Accounts]'), '0');
    await seeText(spareRow.locator('td[data-label="Last load"]'), 'never');
    await seeText(spareRow.locator('td[data-label="Identity profile"]'), 'none');
    await shoot(page, 'first-hour-07-sources');

    await page.getByRole('button', { name: `Delete source ${DEMO_SOURCE}` }).click();
    await seeText(dialog(), 'authoritative source of the identity profile');
    await dialog().getByRole('button', { name: 'Delete', exact: true }).click();
    await seeText(dialog().getByRole('alert'), `is the authoritative source of identity profile '${DEMO_PROFILE}'`);
    await dialog().getByRole('button', { name: 'Close', exact: true }).last().click();
    await page.getByRole('button', { name: 'Delete source Spare' }).click();
    await dialog().getByRole('button', { name: 'Delete', exact: true }).click();
    await spareRow.waitFor({ state: 'detached' });
    expect((await t.app.inject({ url: `/v3/sources/${spare.id}`, headers: h })).statusCode).toBe(404);
    await demo.waitFor();
  });

  it('refuses a negative or fractional priority in words before saving, and saves a valid one', async () => {
    await nav('Identity profiles');
    await page.getByRole('link', { name: DEMO_PROFILE }).click();
    await page.getByRole('heading', { level: 1, name: DEMO_PROFILE }).waitFor();
    const priority = page.locator('input[name=priority]');
    const save = page.getByRole('button', { name: 'Save settings' });
    const note = page.locator('#p-priority-note');
    await priority.fill('-5');
    await seeText(note, 'A priority is 0 or more');
    expect(await priority.getAttribute('aria-invalid')).toBe('true');
    expect(await save.isDisabled()).toBe(true);
    await shoot(page, 'first-hour-08-priority-refused');
    await priority.fill('1.5');
    await seeText(note, '“1.5” is not a whole number');
    expect(await save.isDisabled()).toBe(true);
    await priority.fill('7');
    await seeText(note, 'Lower numbers come first.');
    await save.click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect((await get(`/v3/identity-profiles/${profileId}`)).priority).toBe(7);
  });

  it('fills the space under "Process identities" with the recent runs', async () => {
    const runs = page.locator('table.recent-runs');
    await seeText(runs.locator('caption'), 'Recent runs');
    // the demo's run: processed all 1,000
    await seeText(runs.locator('tbody tr').first(), /Process\s*Success\s*1,000 of 1,000, 1,000 changed/);
    await page.getByRole('button', { name: 'Dry run' }).click();
    await seeText(page.locator('.task-state'), 'Completed');
    await page.locator('.dry-run').waitFor();
    await shoot(page, 'first-hour-09-process-panel');
  });

  it("shows the identity picker's matches whole (no list cut mid-item)", async () => {
    const preview = page.getByRole('region', { name: 'Preview' });
    await preview.getByRole('searchbox', { name: 'Identity to preview' }).fill('a');
    const list = preview.getByRole('list', { name: /matches/ });
    await list.locator('li').nth(7).waitFor();
    const box = await list.evaluate((ul) => ({
      client: ul.clientHeight,
      scroll: ul.scrollHeight,
      top: ul.getBoundingClientRect().top,
      bottom: ul.getBoundingClientRect().bottom,
    }));
    expect(box.scroll).toBeLessThanOrEqual(box.client + 1);
    const items = await list
      .locator('li')
      .evaluateAll((lis) =>
        lis.map((li) => ({ top: li.getBoundingClientRect().top, bottom: li.getBoundingClientRect().bottom })),
      );
    expect(items).toHaveLength(8);
    for (const item of items) expect(item.top >= box.top - 1 && item.bottom <= box.bottom + 1).toBe(true);
    await shoot(page, 'first-hour-10-identity-picker');
  });

  it('reads well at phone width (390 px): identities with their filters, sources, the mapping form', async () => {
    const noSidewaysScroll = async () => {
      const overflowing = await page.evaluate<string[]>(`[...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-wrap'))
        .map((e) => e.tagName.toLowerCase() + '.' + e.className)`);
      expect(overflowing).toEqual([]);
    };
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await nav('Identities');
      await seeText(pager(), '1–50 of 1,000');
      await shoot(page, 'first-hour-11-phone-identities');
      await noSidewaysScroll();
      await nav('Sources');
      await page.getByRole('row', { name: new RegExp(`^${DEMO_SOURCE}`) }).waitFor();
      await noSidewaysScroll();
      await nav('Identity profiles');
      await page.getByRole('link', { name: DEMO_PROFILE }).click();
      await page.getByRole('button', { name: 'Edit mapping displayName' }).click();
      await dialog().locator('#tf-v0-attr').waitFor();
      await shoot(page, 'first-hour-12-phone-mapping-form');
      await noSidewaysScroll();
      await dialog().getByRole('button', { name: 'Cancel' }).click();
    } finally {
      await page.setViewportSize({ width: 1280, height: 860 });
    }
  });

  it('counts the accounts of the first 50 sources at once, and of the others on demand', async () => {
    for (let i = 0; i < 50; i++) {
      expect(
        (
          await t.app.inject({
            method: 'POST',
            url: '/v3/sources',
            headers: h,
            payload: { name: `Aaa ${String(i).padStart(2, '0')}` },
          })
        ).statusCode,
      ).toBe(201);
    }
    const counted = page.waitForResponse(
      (r) => r.url().includes('/v3/accounts?') && r.url().includes(encodeURIComponent('"')),
    );
    await nav('Sources');
    await counted;
    await seeText(page.getByRole('row', { name: /^Aaa 49/ }).locator('td[data-label=Accounts]'), '0');
    const demo = page.getByRole('row', { name: new RegExp(`^${DEMO_SOURCE}`) });
    await demo.getByRole('button', { name: `Count the accounts of ${DEMO_SOURCE}` }).click();
    await seeText(demo.locator('td[data-label=Accounts]'), '1,000');
  });

  it('logged no browser errors (CSP violations, uncaught exceptions)', () => {
    expect(browser.problems).toEqual([]);
  });
});
