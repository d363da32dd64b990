import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { DATABASES } from '../../helpers/databases.js';
import { accountAttr, loadAndProcess, sourceWithProfile } from '../../helpers/identities.js';

/**
 * Identity filters beyond ISC (what the console's Identities page asks): by manager
 * (`managerRef.id`), managers only (`isManager`), and by a computed attribute (`attributes.<name>`).
 */
describe.each(DATABASES)('identity filters beyond ISC on %s', (kind) => {
  let t: TestApp;
  let h: Record<string, string>;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    t = await startTestApp(kind);
    h = await t.admin();
    const { sourceId } = await sourceWithProfile(
      t,
      h,
      {
        name: 'HR',
        managerCorrelationMapping: { accountAttributeName: 'boss', identityAttributeName: 'employeeNumber' },
      },
      {
        name: 'Staff',
        mappings: {
          employeeNumber: accountAttr('HR', 'id'),
          department: accountAttr('HR', 'dept'),
          job_title: accountAttr('HR', 'title'),
        },
      },
    );
    const run = await loadAndProcess(
      t,
      h,
      sourceId,
      "id,name,dept,title,boss\n1,ann,Exec,CEO,\n2,bob,Sales,Rep,1\n3,cy,Sales,Lead O'Neil,1\n4,di,Engineering,Dev,3\n5,ed,sales,Rep,3\n",
    );
    expect(run.completionStatus).toBe('Success');
    for (const i of await list('')) ids[i.name] = i.id;
  });
  afterAll(async () => t?.close());

  async function list(filters: string, expected = 200) {
    const res = await t.app.inject({
      url: `/v2025/identities?count=true&sorters=name${filters ? `&filters=${encodeURIComponent(filters)}` : ''}`,
      headers: h,
    });
    expect(res.statusCode, res.body).toBe(expected);
    if (expected === 200) expect(Number(res.headers['x-total-count'])).toBe(res.json().length);
    return res.json();
  }
  const names = async (filters: string) => (await list(filters)).map((i: { name: string }) => i.name);

  it('filters by manager, managers only, and either way round', async () => {
    expect(await names(`managerRef.id eq "${ids.ann}"`)).toEqual(['bob', 'cy']);
    expect(await names(`managerRef.id in ("${ids.ann}", "${ids.cy}")`)).toEqual(['bob', 'cy', 'di', 'ed']);
    expect(await names('managerRef.id isnull')).toEqual(['ann']);
    expect(await names('isManager eq true')).toEqual(['ann', 'cy']);
    expect(await names('isManager eq false')).toEqual(['bob', 'di', 'ed']);
    expect(await names(`isManager eq true and managerRef.id eq "${ids.ann}"`)).toEqual(['cy']);
  });

  it('filters by computed attributes (case-insensitive, as ISC compares), also several at once', async () => {
    expect(await names('attributes.department eq "sales"')).toEqual(['bob', 'cy', 'ed']);
    expect(await names('attributes.department sw "eng"')).toEqual(['di']);
    expect(await names('attributes.job_title co "o\'neil"')).toEqual(['cy']);
    expect(await names('attributes.department eq "Sales" and not attributes.job_title eq "Rep"')).toEqual(['cy']);
    expect(await names('attributes.department in ("Exec", "Engineering")')).toEqual(['ann', 'di']);
    expect(await names('pr attributes.nothing')).toEqual([]);
    expect(await names('attributes.department eq "Sales" and isManager eq true')).toEqual(['cy']);
  });

  it('refuses what it cannot do with a 400 naming the problem, never a 500', async () => {
    const refused = async (filters: string, message: RegExp) => {
      const body = await list(filters, 400);
      expect(body.messages[0].text).toMatch(message);
    };
    await refused('attributes.department gt "a"', /gt/);
    await refused('attributes."department" eq "x"', /Invalid filters/);
    await refused('attributes eq "x"', /attributes/);
    await refused(
      'attributes.a eq "1" and attributes.b eq "1" and attributes.c eq "1" and attributes.d eq "1" and attributes.e eq "1" and attributes.f eq "1"',
      /attributes\.f/,
    );
    await refused('isManager eq "yes"', /isManager/);
  });
});
