import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadJob } from '../../../src/domain/accounts/load.js';
import { apiClient, type TransformDefinition } from '../../helpers/api/index.js';
import { jobsFinishing, startTestApp, waitForTask, type TestApp } from '../../helpers/app.js';
import { DATABASES } from '../../helpers/databases.js';
import { multipartFile } from '../../helpers/multipart.js';

const HR = [
  'id,name,first,last,mail,dept,managerId,hired',
  'e1,ann.boss,Ann,Boss,ANN@EXAMPLE.COM,Executive,,2015-01-31',
  'e2,bob.lead,Bob,Lead,bob@example.com,Engineering,e1,2018-06-01',
  'e3,cy.dev,Cy,Dev,cy@example.com,Engineering,e2,2021-09-15',
  'e4,di.ops,Di,Ops,,Operations,e1,2020-02-29',
].join('\n');

const mapping = (identityAttributeName: string, transformDefinition: TransformDefinition) => ({
  identityAttributeName,
  transformDefinition,
});
const attr = (attributeName: string) => ({ type: 'accountAttribute', attributes: { attributeName, sourceName: 'HR' } });

/**
 * HR CSV → source → profile with mappings and manager correlation → load (auto-processing) →
 * identities with exactly the expected attributes and managers; change a mapping → preview
 * shows it → dry run reports it → process applies it.
 */
describe.each(DATABASES)('identities end to end on %s', (kind) => {
  let t: TestApp;
  let h: Record<string, string>;
  let sourceId: string;
  let profileId: string;
  const api = apiClient(() => t);

  beforeAll(async () => {
    t = await startTestApp(kind);
    h = await t.admin();
    ({ id: sourceId } = await api.sources.create({
      name: 'HR',
      managerCorrelationMapping: { accountAttributeName: 'managerId', identityAttributeName: 'employeeNumber' },
    }));
    ({ id: profileId } = await api.identityProfiles.create({
      name: 'Employees',
      authoritativeSource: { id: sourceId },
      identityAttributeConfig: {
        enabled: true,
        attributeTransforms: [
          mapping('uid', attr('name')),
          mapping('employeeNumber', attr('id')),
          mapping('email', { type: 'lower', attributes: { input: attr('mail') } }),
          mapping('displayName', { type: 'concat', attributes: { values: [attr('first'), ' ', attr('last')] } }),
          mapping('department', attr('dept')),
        ],
      },
    }));
  });
  afterAll(async () => t?.close());

  const identities = async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v2025/identities?sorters=name', headers: h });
    expect(res.statusCode).toBe(200);
    return res.json() as Array<{
      id: string;
      name: string;
      attributes: Record<string, unknown>;
      managerRef: { name: string } | null;
    }>;
  };

  it('loads the CSV as a task, forms identities and processes them automatically', async () => {
    const loads = jobsFinishing(t, loadJob.name); // the load queues processing after its task is complete
    const load = await t.app.inject({
      method: 'POST',
      url: `/v3/sources/${sourceId}/load-accounts`,
      ...withAuth(h, multipartFile('file', 'hr.csv', HR)),
    });
    expect(load.statusCode).toBe(202);
    await loads.finished(load.json().task.id);
    loads.stop();
    const done = await waitForTask(t, load.json().task.id);
    expect(done.completionStatus).toBe('Success');
    expect(done.result).toMatchObject({ rows: 4, added: 4, updated: 0, removed: 0, rejected: 0, identitiesCreated: 4 });
    const profile = (
      await t.app.inject({ method: 'GET', url: `/v3/identity-profiles/${profileId}`, headers: h })
    ).json();
    expect(profile.identityCount).toBe(4);
    await waitForProcessingOf(t, profileId);
    const people = await identities();
    expect(people.map((p) => [p.name, p.attributes, p.managerRef?.name ?? null])).toEqual([
      [
        'ann.boss',
        {
          uid: 'ann.boss',
          employeeNumber: 'e1',
          email: 'ann@example.com',
          displayName: 'Ann Boss',
          department: 'Executive',
        },
        null,
      ],
      [
        'bob.lead',
        {
          uid: 'bob.lead',
          employeeNumber: 'e2',
          email: 'bob@example.com',
          displayName: 'Bob Lead',
          department: 'Engineering',
        },
        'ann.boss',
      ],
      [
        'cy.dev',
        {
          uid: 'cy.dev',
          employeeNumber: 'e3',
          email: 'cy@example.com',
          displayName: 'Cy Dev',
          department: 'Engineering',
        },
        'bob.lead',
      ],
      [
        'di.ops',
        { uid: 'di.ops', employeeNumber: 'e4', email: null, displayName: 'Di Ops', department: 'Operations' },
        'ann.boss',
      ],
    ]);
  });

  it('previews, dry-runs and applies a changed mapping', async () => {
    const newConfig = {
      enabled: true,
      attributeTransforms: [
        mapping('uid', attr('name')),
        mapping('employeeNumber', attr('id')),
        mapping('email', { type: 'lower', attributes: { input: attr('mail') } }),
        mapping('displayName', { type: 'concat', attributes: { values: [attr('last'), ', ', attr('first')] } }),
        mapping('department', { type: 'upper', attributes: { input: attr('dept') } }),
      ],
    };
    const cy = (await identities()).find((p) => p.name === 'cy.dev')!;
    const preview = await t.app.inject({
      method: 'POST',
      url: '/v2025/identity-profiles/identity-preview',
      headers: h,
      payload: { identityId: cy.id, identityAttributeConfig: newConfig },
    });
    expect(preview.statusCode).toBe(200);
    const byName = Object.fromEntries(preview.json().previewAttributes.map((a: any) => [a.name, a]));
    expect(byName.displayName).toMatchObject({ value: 'Dev, Cy', previousValue: 'Cy Dev', errorMessages: [] });
    expect(byName.department).toMatchObject({ value: 'ENGINEERING', previousValue: 'Engineering' });

    const patch = await t.app.inject({
      method: 'PATCH',
      url: `/v3/identity-profiles/${profileId}`,
      headers: { ...h, 'content-type': 'application/json-patch+json' },
      payload: JSON.stringify([{ op: 'replace', path: '/identityAttributeConfig', value: newConfig }]),
    });
    expect(patch.statusCode).toBe(200);
    expect(patch.json().identityRefreshRequired).toBe(true);

    const dry = await t.app.inject({
      method: 'POST',
      url: `/v3/identity-profiles/${profileId}/process-identities?dryRun=true`,
      headers: h,
    });
    expect(dry.statusCode).toBe(202);
    const dryTask = await waitForTask(t, dry.headers.location!.split('/').pop()!);
    expect(dryTask.result.dryRun).toBe(true);
    const changes = Object.fromEntries(dryTask.result.attributeChanges.map((c: any) => [c.attribute, c.identities]));
    expect(changes).toEqual({ displayName: 4, department: 4 });
    expect((await identities()).find((p) => p.name === 'cy.dev')!.attributes.displayName).toBe('Cy Dev'); // nothing written

    const run = await t.app.inject({
      method: 'POST',
      url: `/v3/identity-profiles/${profileId}/process-identities`,
      headers: h,
    });
    const task = await waitForTask(t, run.headers.location!.split('/').pop()!);
    expect(task.result).toMatchObject({ total: 4, processed: 4, changed: 4, failed: 0 });
    const after = (await identities()).find((p) => p.name === 'cy.dev')!;
    expect(after.attributes).toMatchObject({ displayName: 'Dev, Cy', department: 'ENGINEERING' });
    const profile = (
      await t.app.inject({ method: 'GET', url: `/v3/identity-profiles/${profileId}`, headers: h })
    ).json();
    expect(profile.identityRefreshRequired).toBe(false);

    const again = await t.app.inject({
      method: 'POST',
      url: `/v3/identity-profiles/${profileId}/process-identities`,
      headers: h,
    });
    expect((await waitForTask(t, again.headers.location!.split('/').pop()!)).result).toMatchObject({
      processed: 4,
      changed: 0,
    });
  });
});

function withAuth(h: Record<string, string>, m: { payload: Buffer; headers: Record<string, string> }) {
  return { payload: m.payload, headers: { ...h, ...m.headers } };
}

/** The load queues processing of the profile; wait for that task (the latest one targeting it). */
async function waitForProcessingOf(t: TestApp, profileId: string) {
  const { db } = t.services.database;
  const task = await db
    .selectFrom('tasks')
    .select('id')
    .where('type', '=', 'IDENTITY_PROFILE_PROCESS')
    .where('target', '@>', JSON.stringify({ id: profileId }) as any)
    .orderBy('launched', 'desc')
    .executeTakeFirst();
  if (!task) throw new Error('no processing task was queued after the load');
  return waitForTask(t, task.id);
}

describe.each(DATABASES)('identities follow profiles on %s', (kind) => {
  let t: TestApp;
  let h: Record<string, string>;
  beforeAll(async () => {
    t = await startTestApp(kind);
    h = await t.admin();
  });
  afterAll(async () => t?.close());

  const api = apiClient(() => t);
  const post = (url: string, payload: object) => t.app.inject({ method: 'POST', url, headers: h, payload });
  const profileOf = async (identityId: string) =>
    (await t.app.inject({ method: 'GET', url: `/v2024/identities/${identityId}`, headers: h })).json().identityProfile
      ?.name;

  it('forms identities when a profile is created for a source that already has accounts, correlates accounts by uid, and moves identities by priority', async () => {
    const hr = await api.sources.create({ name: 'HR2' });
    const contractors = await api.sources.create({ name: 'Contractors' });
    await load(hr.id, 'id,name\n1,ann\n2,bob\n');
    expect(
      (await t.app.inject({ method: 'GET', url: '/v2025/identities?count=true', headers: h })).headers['x-total-count'],
    ).toBe('0'); // no profile yet

    const uid = {
      identityAttributeName: 'uid',
      transformDefinition: { type: 'accountAttribute', attributes: { attributeName: 'name', sourceName: 'HR2' } },
    };
    const staff = await post('/v3/identity-profiles', {
      name: 'Staff',
      priority: 20,
      authoritativeSource: { id: hr.id },
      identityAttributeConfig: { enabled: true, attributeTransforms: [uid] },
    });
    expect(staff.json()).toMatchObject({ identityCount: 2, identityRefreshRequired: true });
    await api.tasks.wait(await api.identityProfiles.process(staff.json().id));
    const [ann] = (
      await t.app.inject({ method: 'GET', url: '/v2025/identities?filters=name%20eq%20%22ann%22', headers: h })
    ).json();
    expect(ann.attributes.uid).toBe('ann');
    expect(await profileOf(ann.id)).toBe('Staff');

    // Contract (priority 10, higher than Staff's 20) is authoritative for Contractors, where ann also has an account
    const contract = await api.identityProfiles.create({
      name: 'Contract',
      priority: 10,
      authoritativeSource: { id: contractors.id },
    });
    await load(contractors.id, 'id,name\nc-7,ANN\nc-8,cy\n');
    expect(await profileOf(ann.id)).toBe('Contract'); // correlated by uid, then placed by priority
    const annAccounts = (
      await t.app.inject({
        method: 'GET',
        url: `/v3/accounts?filters=${encodeURIComponent(`identityId eq "${ann.id}"`)}`,
        headers: h,
      })
    ).json();
    expect(annAccounts.map((a: any) => a.sourceName).sort()).toEqual(['Contractors', 'HR2']);
    expect(
      (await t.app.inject({ method: 'GET', url: `/v3/identity-profiles/${contract.id}`, headers: h })).json()
        .identityCount,
    ).toBe(2); // ann + cy

    // raising Staff above Contract moves ann back
    const patch = await t.app.inject({
      method: 'PATCH',
      url: `/v3/identity-profiles/${staff.json().id}`,
      headers: { ...h, 'content-type': 'application/json-patch+json' },
      payload: JSON.stringify([{ op: 'replace', path: '/priority', value: 5 }]),
    });
    expect(patch.json()).toMatchObject({ priority: 5, identityCount: 2 });
    expect(await profileOf(ann.id)).toBe('Staff');
    expect(
      (await t.app.inject({ method: 'GET', url: `/v3/identity-profiles/${contract.id}`, headers: h })).json()
        .identityCount,
    ).toBe(1);
  });

  const load = (sourceId: string, csv: string) => api.sources.load(sourceId, csv);
});
