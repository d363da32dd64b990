import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../../helpers/api/index.js';
import { startTestApp, waitForTask, type TestApp } from '../../helpers/app.js';
import { expectContract, sharedDir } from '../../helpers/contract.js';
import { DATABASES, postgresReachable } from '../../helpers/databases.js';
import { accountAttr, loadAndProcess, sourceWithProfile } from '../../helpers/identities.js';

const CSV = ['id,name,dept', 'e1,ann,Sales', 'e2,bob,Ops', 'e3,cy,Ops'].join('\n');
const PG_UP = await postgresReachable();
const CONTRACTS = sharedDir() !== undefined;

/** Where each version's document declares `POST /identities/process`. */
const DOCUMENTS = [
  { path: '/beta/identities/process', doc: 'identities-lifecycle.beta' as const },
  { path: '/v2024/identities/process', doc: 'identities-lifecycle.v2024' as const },
  { path: '/v2025/identities/process', doc: 'identities-lifecycle.v2025' as const },
  { path: '/v2026/identities/process', doc: 'identities-lifecycle.v2026' as const },
  { path: '/identities/v1/process', doc: 'per-service/identities.v1' as const },
];

/**
 * `POST /identities/process` (issue 15): up to 250 given identities processed as a task, in every
 * version whose document has it; only those identities change.
 */
describe.each(DATABASES)('process given identities on %s', (kind) => {
  let t: TestApp;
  let h: Record<string, string>;
  let profileId: string;
  let ids: Record<string, string>;
  const api = apiClient(() => t);

  beforeAll(async () => {
    if (kind === 'postgres' && !PG_UP) return;
    t = await startTestApp(kind);
    h = await t.admin();
    const made = await sourceWithProfile(
      t,
      h,
      { name: 'HR' },
      { name: 'People', mappings: { uid: accountAttr('HR', 'name') } },
    );
    profileId = made.profileId;
    await loadAndProcess(t, h, made.sourceId, CSV);
    ids = Object.fromEntries((await api.identities.list()).map((i) => [i.name, i.id]));
    // a new mapping that no run has applied yet: only processed identities gain it
    await api.identityProfiles.patch(profileId, [
      {
        op: 'add',
        path: '/identityAttributeConfig/attributeTransforms/-',
        value: { identityAttributeName: 'department', transformDefinition: accountAttr('HR', 'dept') },
      },
    ]);
  });
  afterAll(async () => t?.close());
  const skip = kind === 'postgres' && !PG_UP;

  const department = async (id: string) =>
    (await t.app.inject({ method: 'GET', url: `/v2025/identities/${id}`, headers: h })).json().attributes.department;

  it.skipIf(skip)('processes only the identities named, as a task, and answers as each document says', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/beta/identities/process',
      headers: h,
      payload: { identityIds: [ids.ann, 'no-such-identity'] },
    });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ type: 'TASK_RESULT', id: expect.any(String) });
    if (CONTRACTS) expectContract('identities-lifecycle.beta', 'POST', '/beta/identities/process', 202, res.json());
    const task = await waitForTask(t, res.json().id);
    expect(task.type).toBe('IDENTITY_PROCESS');
    expect(task.completionStatus).toBe('Warning');
    expect(task.result).toMatchObject({
      total: 2,
      processed: 1,
      changed: 1,
      failed: 0,
      unknownIdentityIds: ['no-such-identity'],
    });
    expect(task.messages.map((m: any) => m.localizedText.message).join(' ')).toContain('no-such-identity');
    expect(await department(ids.ann)).toBe('Sales');
    expect(await department(ids.bob)).toBeUndefined();
  });

  it.skipIf(skip)('is served at each version the documents declare it, and only there', async () => {
    for (const d of DOCUMENTS) {
      const res = await t.app.inject({ method: 'POST', url: d.path, headers: h, payload: { identityIds: [ids.bob] } });
      expect(res.statusCode, d.path).toBe(202);
      if (CONTRACTS) expectContract(d.doc, 'POST', d.path, 202, res.json());
      const task = await waitForTask(t, res.json().id);
      expect(task.completionStatus, d.path).toBe('Success');
    }
    expect(await department(ids.bob)).toBe('Ops');
    expect(await department(ids.cy)).toBeUndefined();
    const v3 = await t.app.inject({
      method: 'POST',
      url: '/v3/identities/process',
      headers: h,
      payload: { identityIds: [ids.cy] },
    });
    expect(v3.statusCode).toBe(404);
  });

  it.skipIf(skip)('refuses more than 250 ids, none, and a body without the list, with 400', async () => {
    const many = Array.from({ length: 251 }, (_, i) => `id${i}`);
    for (const payload of [{ identityIds: many }, { identityIds: [] }, {}, { identityIds: 'abc' }]) {
      const res = await t.app.inject({ method: 'POST', url: '/v2025/identities/process', headers: h, payload });
      expect(res.statusCode, JSON.stringify(payload).slice(0, 40)).toBe(400);
      if (CONTRACTS) expectContract('identities-lifecycle.v2025', 'POST', '/v2025/identities/process', 400, res.json());
    }
    const exactly = await t.app.inject({
      method: 'POST',
      url: '/v2025/identities/process',
      headers: h,
      payload: { identityIds: [...many.slice(0, 249), ids.cy] },
    });
    expect(exactly.statusCode).toBe(202);
    const task = await waitForTask(t, exactly.json().id);
    expect(task.result).toMatchObject({ total: 250, processed: 1 });
    expect(await department(ids.cy)).toBe('Ops');
  });

  it.skipIf(skip)('needs idn:identity:process or idn:identity:manage', async () => {
    const read = await t.token({ scopes: ['idn:identity:read'] });
    const refused = await t.app.inject({
      method: 'POST',
      url: '/v2025/identities/process',
      headers: { authorization: `Bearer ${read}` },
      payload: { identityIds: [ids.ann] },
    });
    expect(refused.statusCode).toBe(403);
    const process = await t.token({ scopes: ['idn:identity:process'] });
    const allowed = await t.app.inject({
      method: 'POST',
      url: '/v2025/identities/process',
      headers: { authorization: `Bearer ${process}` },
      payload: { identityIds: [ids.ann] },
    });
    expect(allowed.statusCode).toBe(202);
    await waitForTask(t, allowed.json().id);
  });
});
