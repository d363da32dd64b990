import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failAbandonedTasks } from '../../../src/domain/tasks/liveness.js';
import { createTask } from '../../../src/domain/tasks/service.js';
import { apiClient } from '../../helpers/api/index.js';
import { startTestApp, waitForTask, type TestApp } from '../../helpers/app.js';
import { DATABASES } from '../../helpers/databases.js';
import { multipartFile } from '../../helpers/multipart.js';

const unique = (p: string) => `${p}-${Math.random().toString(36).slice(2, 8)}`;

describe.each(DATABASES)('loading accounts from CSV on %s', (kind) => {
  let t: TestApp;
  let h: Record<string, string>;
  beforeAll(async () => {
    t = await startTestApp(kind);
    h = await t.admin();
  });
  afterAll(async () => t?.close());

  const api = apiClient(() => t);
  const newSource = (extra: object = {}) => api.sources.create({ name: unique('src'), ...extra });
  const load = async (sourceId: string, csv: string) => {
    const m = multipartFile('file', 'accounts.csv', csv);
    return t.app.inject({
      method: 'POST',
      url: `/v2024/sources/${sourceId}/load-accounts`,
      payload: m.payload,
      headers: { ...h, ...m.headers },
    });
  };
  const accountsOf = (sourceId: string) => api.sources.accounts(sourceId);

  it('rejects malformed rows with their line numbers and applies the rest', async () => {
    const src = await newSource();
    const res = await load(src.id, 'id,name,mail\n1,Ann,a@x\n2,Bob\n,NoId,n@x\n1,Again,dup@x\n3,"Cy, Jr",c@x\n');
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ success: true, task: { type: 'CLOUD_ACCOUNT_AGGREGATION' } });
    const done = await waitForTask(t, res.json().task.id);
    expect(done.completionStatus).toBe('Warning');
    expect(done.result).toMatchObject({ rows: 2, added: 2, rejected: 3 });
    expect(done.result.rejections).toEqual([
      { line: 3, reason: 'expected 3 columns, found 2' },
      { line: 4, reason: "no value in the account id column 'id'" },
      { line: 5, reason: "duplicate account id '1' (first on line 2)" },
    ]);
    const accounts = await accountsOf(src.id);
    expect(accounts.map((a: any) => [a.nativeIdentity, a.name, a.attributes])).toEqual([
      ['1', 'Ann', { id: '1', name: 'Ann', mail: 'a@x' }],
      ['3', 'Cy, Jr', { id: '3', name: 'Cy, Jr', mail: 'c@x' }],
    ]);
    const source = (await t.app.inject({ method: 'GET', url: `/v3/sources/${src.id}`, headers: h })).json();
    expect(source.accountAttributeNames).toEqual(['id', 'name', 'mail']);
  });

  it('is a full aggregation: adds, updates, leaves unchanged and removes', async () => {
    const src = await newSource({ accountIdColumn: 'emp', accountNameColumn: 'login' });
    await waitForTask(t, (await load(src.id, 'emp,login,dept\nA,ann,HR\nB,bob,IT\nC,cy,IT\n')).json().task.id);
    const before = await accountsOf(src.id);
    const second = await waitForTask(
      t,
      (await load(src.id, 'emp,login,dept\nA,ann,HR\nB,bob,Sales\nD,di,IT\n')).json().task.id,
    );
    expect(second.result).toMatchObject({ rows: 3, added: 1, updated: 1, unchanged: 1, removed: 1, rejected: 0 });
    const after = await accountsOf(src.id);
    expect(after.map((a: any) => [a.nativeIdentity, a.name, a.attributes.dept])).toEqual([
      ['A', 'ann', 'HR'],
      ['B', 'bob', 'Sales'],
      ['D', 'di', 'IT'],
    ]);
    expect(after[0].id).toBe(before[0].id); // same account, kept
    expect(after[0].modified).toBe(before[0].modified); // unchanged rows are not rewritten
  });

  it('forms identities on an authoritative source, removes them with their accounts, and lists them', async () => {
    const src = await newSource();
    const { id: profileId } = await api.identityProfiles.create({
      name: unique('P'),
      authoritativeSource: { id: src.id },
    });
    const first = await waitForTask(t, (await load(src.id, 'id,name\n1,ann\n2,bob\n')).json().task.id);
    expect(first.result.identitiesCreated).toBe(2);
    const list = await t.app.inject({
      method: 'GET',
      url: `/v2025/identities?filters=${encodeURIComponent(`identityProfileId eq "${profileId}"`)}&sorters=-name&count=true`,
      headers: h,
    });
    expect(list.headers['x-total-count']).toBe('2');
    expect(list.json().map((i: any) => i.name)).toEqual(['bob', 'ann']);
    const ann = list.json()[1];
    const accounts = (
      await t.app.inject({
        method: 'GET',
        url: `/v3/accounts?filters=${encodeURIComponent(`identityId eq "${ann.id}"`)}`,
        headers: h,
      })
    ).json();
    expect(accounts).toHaveLength(1);
    expect(accounts[0]).toMatchObject({
      nativeIdentity: '1',
      authoritative: true,
      uncorrelated: false,
      sourceName: src.name,
    });
    await waitForTask(t, (await load(src.id, 'id,name\n2,bob\n')).json().task.id);
    expect((await t.app.inject({ method: 'GET', url: `/beta/identities/${ann.id}`, headers: h })).statusCode).toBe(404);
    expect(
      (await t.app.inject({ method: 'GET', url: `/v3/identity-profiles/${profileId}`, headers: h })).json()
        .identityCount,
    ).toBe(1);
  });

  it('refuses a file without the id column, a missing file part and an unknown source', async () => {
    const src = await newSource();
    const noId = await load(src.id, 'name,mail\nann,a@x\n');
    expect(noId.statusCode).toBe(400);
    expect(noId.json().messages[0].text).toMatch(/no column 'id'/);
    const empty = await load(src.id, '');
    expect(empty.statusCode).toBe(400);
    const json = await t.app.inject({
      method: 'POST',
      url: `/v3/sources/${src.id}/load-accounts`,
      headers: h,
      payload: { file: 'x' },
    });
    expect(json.statusCode).toBe(400);
    expect(json.json().messages[0].text).toMatch(/multipart/);
    expect((await load('nope', 'id\n1\n')).statusCode).toBe(404);
    expect(await accountsOf(src.id)).toEqual([]);
  });

  it('marks an upload cut off by a restart as failed at start-up', async () => {
    const src = await newSource();
    const task = await createTask(t.services.ctx.repos, t.services.ctx, {
      type: 'CLOUD_ACCOUNT_AGGREGATION',
      name: 'Cloud Account Aggregation',
      description: 'cut off',
      actor: { clientId: 'x', name: 'x' },
      target: { type: 'SOURCE', id: src.id, name: src.name },
    });
    await t.services.ctx.repos.accounts.stage(task.id, [
      { nativeIdentity: '1', lineNo: 2, name: 'a', attributes: { id: '1' } },
    ]);
    expect((await failAbandonedTasks(t.services.ctx, new Date())).map((x) => x.id)).toContain(task.id);
    const status = (await t.app.inject({ method: 'GET', url: `/v3/task-status/${task.id}`, headers: h })).json();
    expect(status).toMatchObject({ completionStatus: 'Error' });
    expect(status.messages[0].localizedText.message).toMatch(/interrupted/);
    expect(await accountsOf(src.id)).toEqual([]);
  });

  it('reads accounts by id in ISC shape, 404 for unknown', async () => {
    const src = await newSource();
    await waitForTask(t, (await load(src.id, 'id,name,title\n9,nine,Boss\n')).json().task.id);
    const [account] = await accountsOf(src.id);
    const one = await t.app.inject({ method: 'GET', url: `/v3/accounts/${account.id}`, headers: h });
    expect(one.json()).toMatchObject({
      id: account.id,
      name: 'nine',
      nativeIdentity: '9',
      sourceId: src.id,
      uncorrelated: true,
      authoritative: false,
      attributes: { title: 'Boss' },
    });
    expect((await t.app.inject({ method: 'GET', url: '/v3/accounts/nope', headers: h })).statusCode).toBe(404);
  });
});

describe('default identity attribute config from learned attributes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('pglite');
  });
  afterAll(async () => t?.close());
  const api = apiClient(() => t);

  it('maps the standard attributes from the columns the source learned, manager included', async () => {
    const h = await t.admin();
    const src = await api.sources.create({
      name: 'Workday',
      accountIdColumn: 'employeeId',
      accountNameColumn: 'sAMAccountName',
    });
    await api.sources.load(
      src.id,
      'employeeId,sAMAccountName,givenName,sn,mail,fullName,manager\n1,ann,Ann,Boss,a@x,Ann Boss,\n',
      { filename: 'wd.csv' },
    );
    const profile = await api.identityProfiles.create({ name: 'WD', authoritativeSource: { id: src.id } });
    const res = await t.app.inject({
      method: 'GET',
      url: `/v3/identity-profiles/${profile.id}/default-identity-attribute-config`,
      headers: h,
    });
    expect(res.statusCode).toBe(200);
    const byAttr = Object.fromEntries(
      res
        .json()
        .attributeTransforms.map((m: any) => [m.identityAttributeName, m.transformDefinition.attributes.attributeName]),
    );
    expect(res.json().enabled).toBe(true);
    expect(byAttr).toEqual({
      uid: 'sAMAccountName',
      firstname: 'givenName',
      lastname: 'sn',
      email: 'mail',
      displayName: 'fullName',
      manager: 'manager',
    });
  });
});

describe('re-processing after a reload touches only what changed', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('pglite');
  });
  afterAll(async () => t?.close());
  const api = apiClient(() => t);

  it('updates the identity whose account changed, and no other', async () => {
    const h = await t.admin();
    const src = await api.sources.create({ name: 'Feed' });
    const attr = { type: 'accountAttribute', attributes: { attributeName: 'mail', sourceName: 'Feed' } };
    await api.identityProfiles.create({
      name: 'P',
      authoritativeSource: { id: src.id },
      identityAttributeConfig: {
        enabled: true,
        attributeTransforms: [
          { identityAttributeName: 'email', transformDefinition: { type: 'lower', attributes: { input: attr } } },
        ],
      },
    });
    const load = async (csv: string) => {
      const loaded = await api.sources.load(src.id, csv, { filename: 'f.csv' });
      return api.tasks.wait(loaded.result.processingTaskIds[0]); // the run the load asked for
    };
    expect((await load('id,name,mail\n1,a,A@X\n2,b,B@X\n3,c,C@X\n')).result).toMatchObject({
      processed: 3,
      changed: 3,
    });
    const before = (await t.app.inject({ method: 'GET', url: '/v2025/identities?sorters=name', headers: h })).json();
    expect((await load('id,name,mail\n1,a,A@X\n2,b,NEW@X\n3,c,C@X\n')).result).toMatchObject({
      processed: 3,
      changed: 1,
    });
    const after = (await t.app.inject({ method: 'GET', url: '/v2025/identities?sorters=name', headers: h })).json();
    expect(after.map((i: any) => i.attributes.email)).toEqual(['a@x', 'new@x', 'c@x']);
    expect(after[0].modified).toBe(before[0].modified);
    expect(after[2].modified).toBe(before[2].modified);
  });
});
