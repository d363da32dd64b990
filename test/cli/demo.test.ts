import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PROFILE, DEMO_SOURCE, runDemo, SAMPLE_FILE } from '../../src/cli/demo.js';
import { generateHrCsv, generateHrPeople } from '../../src/cli/sample-hr.js';
import { listenForCli, startTestApp, type TestApp } from '../helpers/app.js';

/** `idprofiles demo` against a real server over HTTP, twice in a row. */
describe('idprofiles demo', () => {
  let t: TestApp;
  let flags: string[];
  let h: Record<string, string>;
  beforeAll(async () => {
    t = await startTestApp('pglite');
    flags = await listenForCli(t, 'demo');
    h = await t.admin();
  });
  afterAll(async () => t?.close());

  const capture = () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d) => (text += d));
    return { out: out as unknown as NodeJS.WriteStream, text: () => text };
  };
  const get = async (url: string) => {
    const res = await t.app.inject({ method: 'GET', url, headers: h });
    expect(res.statusCode, res.body).toBe(200);
    return { body: res.json(), total: Number(res.headers['x-total-count']) };
  };
  const allIdentities = async () => {
    const all: any[] = [];
    for (let offset = 0; ; offset += 250) {
      const { body } = await get(`/v2025/identities?limit=250&offset=${offset}&sorters=name`);
      all.push(...body);
      if (body.length < 250) return all;
    }
  };

  it('ships the sample file the generator makes: 1,000 people with managers, departments, statuses and dates', () => {
    expect(readFileSync(SAMPLE_FILE, 'utf8')).toBe(generateHrCsv());
    const people = generateHrPeople();
    expect(people).toHaveLength(1000);
    const ids = new Set(people.map((p) => p.id));
    expect(people.filter((p) => !p.managerId).map((p) => p.title)).toEqual(['Chief Executive Officer']);
    expect(people.every((p) => !p.managerId || ids.has(p.managerId))).toBe(true);
    expect(new Set(people.map((p) => p.department)).size).toBe(9);
    expect(new Set(people.map((p) => p.userName)).size).toBe(1000);
    const left = people.filter((p) => p.employmentStatus === 'terminated');
    expect(left.length).toBeGreaterThan(20);
    expect(left.every((p) => p.terminationDate > p.hireDate)).toBe(true);
  });

  it('creates the source and profile, loads and processes; run again, it finds them and changes nothing', async () => {
    const first = capture();
    expect(await runDemo(flags, first.out)).toBe(0);
    expect(first.text()).toContain(`Created source '${DEMO_SOURCE}'`);
    expect(first.text()).toContain(`Created identity profile '${DEMO_PROFILE}'`);
    expect(first.text()).toContain(
      '1000 accounts: 1000 added, 0 updated, 0 unchanged, 0 removed; 1000 new identities.',
    );
    expect(first.text()).toMatch(/Success: 1000 of 1000 identities processed/);
    expect(first.text()).toContain(`Profile '${DEMO_PROFILE}' has 1000 identities.`);

    const source = (await get(`/v3/sources?filters=${encodeURIComponent(`name eq "${DEMO_SOURCE}"`)}`)).body[0];
    expect(
      (await get(`/v3/accounts?count=true&limit=1&filters=${encodeURIComponent(`sourceId eq "${source.id}"`)}`)).total,
    ).toBe(1000);
    const profile = (await get(`/v3/identity-profiles?filters=${encodeURIComponent(`name eq "${DEMO_PROFILE}"`)}`))
      .body[0];
    expect(profile).toMatchObject({ identityCount: 1000, identityRefreshRequired: false });

    const identities = await allIdentities();
    expect(identities).toHaveLength(1000);
    const people = new Map(generateHrPeople().map((p) => [p.id, p]));
    const byNumber = new Map(identities.map((i) => [i.attributes.employeeNumber, i]));
    // every mapping computed, transforms included, and every manager correlated
    for (const i of identities) {
      const p = people.get(i.attributes.employeeNumber)!;
      expect(i.processingState).not.toBe('ERROR');
      expect(i.attributes).toMatchObject({
        uid: p.userName,
        email: p.email.toLowerCase(),
        displayName: `${p.firstName} ${p.lastName}`,
        department: p.department,
        active: p.employmentStatus === 'terminated' ? 'false' : 'true',
        hireDate: `${p.hireDate}T00:00:00.000Z`,
      });
      expect(i.managerRef?.id ?? null).toBe(p.managerId ? byNumber.get(p.managerId)!.id : null);
    }
    const managers = new Set([...people.values()].map((p) => p.managerId).filter(Boolean));
    expect(
      identities
        .filter((i) => i.isManager)
        .map((i) => i.attributes.employeeNumber)
        .sort(),
    ).toEqual([...managers].sort());
    expect(new Set(identities.map((i) => i.attributes.country))).toEqual(
      new Set(['United States', 'United Kingdom', 'Germany', 'France', 'India', 'Netherlands']),
    );

    // lifecycle states from employmentStatus: counts, each identity's state, leavers' HR accounts disabled
    const statuses = [...people.values()].map((p) => p.employmentStatus);
    const count = (status: string) => statuses.filter((x) => x === status).length;
    expect(first.text()).toContain(
      `Lifecycle states: Active ${count('active')}, On leave ${count('leave')}, Inactive ${count('terminated')}.`,
    );
    const stateOf = { active: 'active', leave: 'leave', terminated: 'inactive' } as Record<string, string>;
    for (const i of identities) {
      expect(i.lifecycleState).toEqual({
        stateName: stateOf[people.get(i.attributes.employeeNumber)!.employmentStatus],
        manuallyUpdated: false,
      });
    }
    const accounts: any[] = [];
    for (let offset = 0; offset < 1000; offset += 250)
      accounts.push(
        ...(
          await get(
            `/v3/accounts?limit=250&offset=${offset}&filters=${encodeURIComponent(`sourceId eq "${source.id}"`)}`,
          )
        ).body,
      );
    const leavers = new Set([...people.values()].filter((p) => p.employmentStatus === 'terminated').map((p) => p.id));
    expect(
      accounts
        .filter((a) => a.disabled)
        .map((a) => a.nativeIdentity)
        .sort(),
    ).toEqual([...leavers].sort());

    const tasksBefore = (await get('/v3/task-status?count=true&limit=1')).total;
    const second = capture();
    expect(await runDemo(flags, second.out)).toBe(0);
    expect(second.text()).toContain(`Found source '${DEMO_SOURCE}' (${source.id}); left as it is.`);
    expect(second.text()).toContain(`Found identity profile '${DEMO_PROFILE}' (${profile.id}); left as it is.`);
    expect(second.text()).toContain('1000 accounts: 0 added, 0 updated, 1000 unchanged, 0 removed; 0 new identities.');
    expect(second.text()).toContain('Nothing changed, so nothing needed processing.');
    expect(second.text()).toContain(
      `Lifecycle states: Active ${count('active')}, On leave ${count('leave')}, Inactive ${count('terminated')}.`,
    );
    expect(second.text()).not.toMatch(/^process \[/m);
    expect((await get('/v3/task-status?count=true&limit=1')).total).toBe(tasksBefore + 1); // the load alone, no run
    expect(await allIdentities()).toEqual(identities);
    expect((await get(`/v3/identity-profiles/${profile.id}`)).body.identityCount).toBe(1000);
  }, 120_000);
});
