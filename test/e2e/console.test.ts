import { existsSync, readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_ROOT } from '../../src/http/plugins/console.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { CHROMIUM, hasChromium, openBrowser, seeText, shoot, type Browser, shootIfFailed } from './browser.js';
import { serveForBrowser } from './served.js';

/**
 * The admin console end to end, in headless Chromium against a real server on a real database
 * (PGlite): every step goes through the browser and the public API, as an administrator would.
 * The tests run in order and build on each other (one story).
 */
const HR = [
  'id,name,first,last,mail,dept,managerId',
  'e1,ann.boss,Ann,Boss,ANN@EXAMPLE.COM,Executive,',
  'e2,bob.lead,Bob,Lead,bob@example.com,Engineering,e1',
  'e3,cy.dev,Cy,Dev,cy@example.com,Engineering,e2',
  'e4,di.ops,Di,Ops,,Operations,e1',
  'e5,broken,row',
].join('\n');

const attr = (attributeName: string) => ({ type: 'accountAttribute', attributes: { sourceName: 'HR', attributeName } });
const json = (v: unknown) => JSON.stringify(v, null, 2);

if (!hasChromium)
  console.warn(`console e2e skipped: ${CHROMIUM} is absent (apt-get install chromium; .ci/run installs it)`);

// Each step waits on the page (15 s per wait); the generous step limit is for a busy CI machine.
describe.skipIf(!hasChromium)('admin console in headless Chromium', { timeout: 90_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let base: string;
  let credentials: { id: string; secret: string };
  let exported: string;

  beforeAll(async () => {
    if (!existsSync(`${CONSOLE_ROOT}index.html`))
      throw new Error(`The console is not built (${CONSOLE_ROOT} has no index.html): run npm run build:web`);
    t = await startTestApp('pglite');
    ({ base, credentials } = await serveForBrowser(t, 'console e2e'));
    browser = await openBrowser();
    page = browser.page;
  }, 60_000);
  afterEach(async (ctx) => {
    // A failed step leaves a picture of what the browser showed.
    await shootIfFailed(ctx, page);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();
  const heading = (name: string | RegExp) => page.getByRole('heading', { level: 1, name }).waitFor();
  const dialog = () => page.getByRole('dialog');

  async function signIn(secret = credentials.secret) {
    await page.locator('input[name=clientId]').fill(credentials.id);
    await page.locator('input[name=clientSecret]').fill(secret);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  it('redirects / to the console and signs in with an API client (wrong secret refused in words)', async () => {
    await page.goto(`${base}/`);
    await page.waitForURL(`${base}/ui/`);
    await shoot(page, '01-sign-in');
    await signIn('not-the-secret');
    await seeText(page.getByRole('alert'), 'Bad credentials');
    await signIn();
    await heading('Identity profiles');
    await seeText(page.locator('main'), 'No identity profiles yet');
  });

  it('creates a source and uploads accounts with progress and the load result', async () => {
    await nav('Sources');
    await heading('Sources');
    await page.getByRole('button', { name: 'New source' }).click();
    await page.locator('input[name=name]').fill('HR');
    await page.locator('input[name=description]').fill('Workday export');
    await page.locator('input[name=managerAccountAttribute]').fill('managerId');
    await page.locator('input[name=managerIdentityAttribute]').fill('employeeNumber');
    await page.getByRole('button', { name: 'Create source' }).click();
    await page.getByRole('heading', { name: 'Load accounts into HR' }).waitFor();
    await page
      .locator('input[name=file]')
      .setInputFiles({ name: 'hr.csv', mimeType: 'text/csv', buffer: Buffer.from(HR) });
    // first a preview of what the load would do (nothing written), then the load on confirmation
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    const preview = page.locator('.load-preview');
    await seeText(preview, 'ann.boss (e1, line 2)');
    expect(await preview.locator('.facts-grid div', { hasText: 'Added' }).locator('dd').textContent()).toBe('4');
    expect(await page.getByRole('row', { name: /^HR/ }).textContent()).toContain('none yet'); // nothing learned yet
    await page.getByRole('button', { name: 'Load hr.csv' }).click();
    await seeText(page.locator('.task-state'), 'Completed');
    const facts = page.locator('.load-result .facts-grid');
    await seeText(facts, 'Added');
    expect(await facts.locator('div', { hasText: 'Added' }).locator('dd').textContent()).toBe('4');
    expect(await facts.locator('div', { hasText: 'Rejected' }).locator('dd').textContent()).toBe('1');
    await seeText(page.locator('.rejections'), 'expected 7 columns, found 3');
    await seeText(page.getByRole('row', { name: /^HR/ }), 'managerId');
    await shoot(page, '02-sources-upload');
  });

  it('previews a load that would remove too many accounts, and loads it only with explicit leave', async () => {
    const csv = (ids: number[]) => `id,name\n${ids.map((i) => `c${i},contractor${i}`).join('\n')}\n`;
    await page.getByRole('button', { name: 'New source' }).click();
    await page.locator('input[name=name]').fill('Temps');
    await page.getByRole('button', { name: 'Create source' }).click();
    await page.getByRole('heading', { name: 'Load accounts into Temps' }).waitFor();
    const upload = async (name: string, ids: number[]) => {
      await page
        .locator('input[name=file]')
        .setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(csv(ids)) });
      await page.getByRole('button', { name: 'Preview', exact: true }).click();
      await page.locator('.load-preview').waitFor();
    };
    await upload('all.csv', [1, 2, 3, 4, 5]);
    await page.getByRole('button', { name: 'Load all.csv' }).click();
    await seeText(page.locator('.load-result'), 'Added');

    await upload('two.csv', [1, 2]);
    await seeText(page.locator('.load-preview .notice'), "This load would remove 3 of the source's 5 accounts (60%)");
    await seeText(page.locator('.load-preview .samples'), 'contractor3 (c3)');
    const load = page.getByRole('button', { name: 'Load two.csv' });
    expect(await load.isDisabled()).toBe(true);
    await shoot(page, '02b-load-refused-preview');
    await page.getByLabel('Allow this load to remove 3 accounts').check();
    await load.click();
    await seeText(page.locator('.task-state'), 'Completed');
    const removed = page
      .locator('.load-result .facts-grid div')
      .filter({ has: page.locator('dt', { hasText: /^Removed$/ }) });
    expect(await removed.locator('dd').textContent()).toBe('3');
  });

  it('creates a profile on that source and lands on its page', async () => {
    await nav('Identity profiles');
    await page.getByRole('button', { name: 'New profile' }).click();
    await dialog().locator('input[name=name]').fill('Employees');
    await dialog().locator('textarea[name=description]').fill('Everyone on the HR feed');
    await dialog().getByLabel('Authoritative source').selectOption({ label: 'HR' });
    await shoot(page, '03-create-profile');
    await dialog().getByRole('button', { name: 'Create profile' }).click();
    await heading('Employees');
    // The source already holds accounts: the profile's identities are formed at once, not yet processed.
    await seeText(page.locator('.facts'), '4 identities');
    await seeText(page.locator('.facts'), 'Last processed —');
  });

  async function addMapping(name: string, value: { attribute: string } | { transform: object }) {
    await page.getByRole('button', { name: 'Add mapping' }).click();
    await dialog().locator('input[name=identityAttributeName]').fill(name);
    if ('attribute' in value) {
      await dialog().getByLabel('Source', { exact: true }).selectOption({ label: 'HR' });
      await dialog().getByLabel('Account attribute', { exact: true }).selectOption(value.attribute);
    } else {
      await dialog().getByLabel('A transform (JSON)').check();
      await dialog().locator('textarea[name=transformDefinition]').fill(json(value.transform));
    }
    await dialog().getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('row', { name: new RegExp(`^${name} `) }).waitFor();
  }

  it('adds mappings (lists for account attributes, JSON for transforms); a bad one is refused at its row', async () => {
    await addMapping('uid', { attribute: 'name' });
    await addMapping('employeeNumber', { attribute: 'id' });
    await addMapping('email', { transform: { type: 'lower', attributes: { input: attr('mail') } } });
    await addMapping('displayName', {
      transform: { type: 'concat', attributes: { values: [attr('first'), ' ', attr('last')] } },
    });
    await addMapping('department', { attribute: 'dept' });
    await addMapping('title', { transform: { type: 'noSuchTransform', attributes: {} } });
    await page.getByRole('button', { name: 'Save mappings' }).click();
    await seeText(page.getByRole('alert'), 'Mappings not saved');
    const bad = page.getByRole('row', { name: /^title / });
    await seeText(bad.locator('.field-error'), 'noSuchTransform');
    expect(await bad.getAttribute('class')).toContain('has-error');
    await shoot(page, '04-mapping-error');
    await page.getByRole('button', { name: 'Remove mapping title' }).click();
    await page.getByRole('button', { name: 'Save mappings' }).click();
    await page.getByText('Unsaved changes').waitFor({ state: 'detached' });
    await seeText(page.getByRole('row', { name: /^email / }), 'lower(HR · mail)');
  });

  it('previews the mappings on an identity picked by name', async () => {
    const preview = page.getByRole('region', { name: 'Preview' });
    await preview.getByRole('searchbox', { name: 'Identity to preview' }).fill('cy');
    await preview.getByRole('button', { name: /^cy\.dev/ }).click();
    await seeText(preview.getByRole('row', { name: /^displayName/ }), 'Cy Dev');
    await seeText(preview.getByRole('row', { name: /^email/ }), 'cy@example.com');
    await shoot(page, '05-preview');
  });

  it('processes identities with live progress to completion', async () => {
    await page.getByRole('button', { name: 'Process identities' }).click();
    await seeText(page.locator('.task-state'), 'Completed');
    await seeText(page.locator('.counters'), /Processed 4 of 4/);
    await seeText(page.locator('.facts'), '4 identities');
    await seeText(page.locator('.facts'), 'Up to date');
    await shoot(page, '06-processed');
  });

  it('edits a mapping in JSON and the preview shows the change against the current value', async () => {
    await page.getByRole('button', { name: 'Edit mapping displayName' }).click();
    await dialog().getByLabel('A transform (JSON)').check(); // a concat opens in the form
    await dialog()
      .locator('textarea[name=transformDefinition]')
      .fill(json({ type: 'concat', attributes: { values: [attr('last'), ', ', attr('first')] } }));
    await dialog().getByRole('button', { name: 'Apply' }).click();
    const preview = page.getByRole('region', { name: 'Preview' });
    const row = preview.getByRole('row', { name: /^displayName/ });
    await seeText(row, 'Dev, Cy');
    await seeText(row, 'Cy Dev');
    expect(await row.getAttribute('class')).toBe('changed');
    await seeText(preview, '1 of 5 attributes would change');
    await shoot(page, '07-preview-changed');
    await page.getByRole('button', { name: 'Save mappings' }).click();
    await page.getByText('Unsaved changes').waitFor({ state: 'detached' });
    await seeText(page.locator('.facts'), 'Refresh required');
  });

  it('dry-runs the change (bar chart per attribute, before/after samples), then applies it', async () => {
    await page.getByRole('button', { name: 'Dry run' }).click();
    await page.locator('.dry-run svg.bars').waitFor();
    await seeText(page.locator('.dry-run'), /displayName: 4 identities/);
    await page.locator('.dry-run summary', { hasText: 'displayName' }).click();
    await seeText(page.locator('.dry-run .samples').first(), /Boss, Ann|Lead, Bob|Dev, Cy|Ops, Di/);
    await shoot(page, '08-dry-run');
    await page.getByRole('button', { name: 'Process identities' }).click();
    await seeText(page.locator('.task-state'), 'Completed');
    await seeText(page.locator('.counters'), /Changed 4/);
    await seeText(page.locator('.facts'), 'Up to date');
  });

  it('saves settings as a JSON Patch', async () => {
    await page.locator('input[name=priority]').fill('5');
    await page.locator('textarea[name=description]').fill('Everyone on the HR feed (employees)');
    await page.getByRole('button', { name: 'Change owner' }).click();
    await page.getByRole('searchbox', { name: 'Find the owner' }).fill('ann');
    await page.getByRole('button', { name: /^ann\.boss/ }).click();
    await seeText(page.locator('fieldset.owner'), 'ann.boss');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const profile = (
      await t.app.inject({ url: '/v3/identity-profiles?filters=name eq "Employees"', headers: await t.admin() })
    ).json()[0];
    expect(profile).toMatchObject({
      priority: 5,
      description: 'Everyone on the HR feed (employees)',
      owner: { type: 'IDENTITY', name: 'ann.boss' },
    });
  });

  it('lists profiles with status, filters by name as you type and sorts by a column', async () => {
    await nav('Identity profiles');
    const row = page.getByRole('row', { name: /Employees/ });
    await seeText(row, 'Up to date');
    await seeText(row.locator('td[data-label="Last processed"]'), /\d{4}/); // from the profile's newest successful run
    await seeText(row, 'HR');
    await page.locator('input[name=filter]').fill('zz');
    await seeText(page.locator('main'), 'No profile name starts with “zz”');
    await page.locator('input[name=filter]').fill('emp');
    await row.waitFor();
    for (const [order, sorters] of [
      ['ascending', 'sorters=name&'],
      ['descending', 'sorters=-name&'],
    ]) {
      const answer = page.waitForResponse(
        (r) => r.url().includes('/v3/identity-profiles?') && r.url().includes(sorters),
      );
      await page.getByRole('button', { name: /^Name/ }).click();
      expect((await answer).status()).toBe(200);
      await page.locator(`th[aria-sort=${order}]`, { hasText: 'Name' }).waitFor();
    }
    await row.waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    await shoot(page, '09-profiles-list');
  });

  it('pages through many profiles (count=true) and deletes a page of them at once (bulk delete)', async () => {
    const h = await t.admin();
    for (let i = 0; i < 60; i++) {
      const source = (
        await t.app.inject({ method: 'POST', url: '/v3/sources', headers: h, payload: { name: `Bulk source ${i}` } })
      ).json();
      const created = await t.app.inject({
        method: 'POST',
        url: '/v3/identity-profiles',
        headers: h,
        payload: { name: `Bulk ${String(i).padStart(2, '0')}`, authoritativeSource: { id: source.id } },
      });
      expect(created.statusCode).toBe(201);
    }
    await page.locator('input[name=filter]').fill('Bulk');
    const pager = page.getByRole('navigation', { name: 'Profiles pages' });
    await seeText(pager, '1–50 of 60');
    await pager.getByRole('button', { name: 'Next ›' }).click();
    await seeText(pager, '51–60 of 60');
    await page.getByRole('row', { name: /Bulk 00/ }).waitFor(); // still sorted by name, descending
    expect(await page.locator('table.profiles tbody tr').count()).toBe(10);
    await pager.getByRole('button', { name: '‹ Previous' }).click();
    await seeText(pager, '1–50 of 60');
    for (const [count, left] of [
      [50, /1–10 of 10/],
      [10, /No profile name starts with/],
    ] as const) {
      await page.getByRole('checkbox', { name: 'Select all profiles on this page' }).check();
      await page.getByRole('button', { name: 'Delete', exact: true }).click();
      await seeText(dialog().getByRole('heading'), `Delete ${count} identity profiles`);
      await dialog().getByRole('button', { name: 'Delete', exact: true }).click();
      await seeText(dialog().locator('.task-state'), 'Completed');
      await dialog().getByRole('button', { name: 'Close', exact: true }).last().click();
      await seeText(page.locator('main'), left);
    }
    await page.locator('input[name=filter]').fill('');
    await page.getByRole('row', { name: /Employees/ }).waitFor();
  });

  it('exports the selected profiles as a JSON download and re-imports it after a dry run', async () => {
    await page.getByRole('checkbox', { name: 'Select Employees' }).check();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export' }).click(),
    ]);
    exported = readFileSync((await download.path())!, 'utf8');
    const items = JSON.parse(exported);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ version: 1, self: { type: 'IDENTITY_PROFILE', name: 'Employees' } });
    expect(items[0].object.identityAttributeConfig.attributeTransforms).toHaveLength(5);

    await page.getByRole('button', { name: 'Import…' }).click();
    await dialog()
      .locator('input[name=file]')
      .setInputFiles({ name: 'profiles.json', mimeType: 'application/json', buffer: Buffer.from(exported) });
    const plan = dialog().getByRole('region', { name: 'What the import would do' });
    await seeText(plan, /Would update: 1 \(Employees\)/);
    await shoot(page, '10-import-dry-run');
    await dialog().getByRole('button', { name: 'Import 1 profile' }).click();
    await seeText(dialog().getByRole('region', { name: 'Import done' }), /Updated: 1/);
    await dialog().getByRole('button', { name: 'Close', exact: true }).last().click();
    await dialog().waitFor({ state: 'detached' });
  });

  it('refuses to delete a profile that has identities, with the server reason', async () => {
    await page.locator('input[name=filter]').fill('');
    await page.getByRole('checkbox', { name: 'Select Employees' }).check();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await dialog().getByRole('button', { name: 'Delete', exact: true }).click();
    await seeText(dialog().getByRole('alert'), /identit/);
    await shoot(page, '11-delete-refused');
    await dialog().getByRole('button', { name: 'Close', exact: true }).last().click();
  });

  it('deletes a profile without identities after confirmation', async () => {
    await nav('Sources');
    await page.getByRole('button', { name: 'New source' }).click();
    await page.locator('input[name=name]').fill('Contractors');
    await page.getByRole('button', { name: 'Create source' }).click();
    await page.getByRole('heading', { name: 'Load accounts into Contractors' }).waitFor();
    await nav('Identity profiles');
    await page.getByRole('button', { name: 'New profile' }).click();
    await dialog().locator('input[name=name]').fill('Contractors');
    await dialog().getByLabel('Authoritative source').selectOption({ label: 'Contractors' });
    await dialog().getByRole('button', { name: 'Create profile' }).click();
    await heading('Contractors');
    await nav('Identity profiles');
    await page.getByRole('checkbox', { name: 'Select Contractors' }).check();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await seeText(dialog(), 'Delete Contractors?');
    await dialog().getByRole('button', { name: 'Delete', exact: true }).click();
    await seeText(dialog().locator('.task-state'), 'Completed');
    await dialog().getByRole('button', { name: 'Close', exact: true }).last().click();
    await page.getByRole('row', { name: /Contractors/ }).waitFor({ state: 'detached' });
    await page.getByRole('row', { name: /Employees/ }).waitFor();
  });

  it('searches identities and reads attributes, manager and accounts', async () => {
    await nav('Identities');
    await page.locator('input[name=search]').fill('cy');
    await page.locator('.identity-list li').nth(1).waitFor({ state: 'detached' }); // filtered on the server: cy.dev alone
    await page.getByRole('link', { name: /cy\.dev/ }).click();
    const detail = page.locator('article.identity');
    await seeText(detail.getByRole('heading', { level: 2 }), 'cy.dev');
    await seeText(detail, 'bob.lead');
    await seeText(detail.getByRole('row', { name: /^displayName/ }), 'Dev, Cy');
    await seeText(detail.locator('details.account summary'), 'HR');
    await shoot(page, '12-identity');
  });

  /** Nothing sticks out sideways (a wide table scrolls inside its own box). */
  async function noSidewaysScroll() {
    const overflowing = await page.evaluate<string[]>(`[...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-wrap'))
      .map((e) => e.tagName.toLowerCase() + '.' + e.className)`);
    expect(overflowing).toEqual([]);
  }

  it('reads well at phone width (390 px)', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await nav('Identity profiles');
    await page.getByRole('row', { name: /Employees/ }).waitFor();
    await shoot(page, '13-phone-profiles');
    await noSidewaysScroll();
    await page.getByRole('link', { name: 'Employees' }).click();
    await heading('Employees');
    await page.getByRole('row', { name: /^email / }).waitFor();
    await shoot(page, '14-phone-profile');
    await noSidewaysScroll();
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  it('works with the keyboard: dialogs open on Enter, start in their first field, close on Escape', async () => {
    await nav('Identity profiles');
    const create = page.getByRole('button', { name: 'New profile' });
    await create.focus();
    await page.keyboard.press('Enter');
    await dialog().waitFor();
    expect(await page.evaluate(`document.activeElement?.getAttribute('name')`)).toBe('name');
    await page.keyboard.press('Escape');
    await dialog().waitFor({ state: 'detached' });
    await page.locator('button:focus', { hasText: 'New profile' }).waitFor(); // focus returns where it was
  });

  it('goes back to sign-in on a 401, and signs out', async () => {
    // The browser keeps a token the server no longer accepts (as after a restart with a new signing key).
    await page.evaluate(`{
      const s = JSON.parse(sessionStorage.getItem('idprofiles.session'));
      sessionStorage.setItem('idprofiles.session', JSON.stringify({ ...s, token: 'expired.or.forged' }));
    }`);
    await page.reload();
    await seeText(page.getByRole('status'), 'Your session has ended');
    await page.locator('input[name=clientId]').focus();
    await page.keyboard.type(credentials.id);
    await page.keyboard.press('Tab');
    await page.keyboard.type(credentials.secret);
    await page.keyboard.press('Enter');
    await heading('Identity profiles');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.locator('input[name=clientSecret]').waitFor();
    expect(await page.evaluate(`sessionStorage.getItem('idprofiles.session')`)).toBeNull();
  });

  it('logged no browser errors (CSP violations, uncaught exceptions)', () => {
    expect(browser.problems).toEqual([]);
  });
});
