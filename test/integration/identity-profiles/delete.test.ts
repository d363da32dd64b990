/**
 * DELETE and bulk delete in every version: 202 TaskResultSimplified, the task completing, the
 * profile gone, 404 for an unknown id, and decision 1 (profiles with identities are refused or,
 * in bulk, skipped; unknown ids in bulk give a Warning with a message each).
 */
import { expect, it } from 'vitest';
import type { TestApp } from '../../helpers/app.js';
import { waitForTask } from '../../helpers/app.js';
import {
  describeOnDatabases,
  expect400,
  expect404,
  newProfile,
  request,
  unknownId,
  V3,
  VERSIONS,
  type Version,
} from './helpers.js';

/** Arranges identities on a profile. Identities arrive with a later issue; until then only the count exists. */
async function giveIdentities(t: TestApp, id: string, count: number): Promise<void> {
  const { repos } = t.services.ctx;
  const profile = await repos.profiles.findById(id);
  await repos.profiles.update({ ...profile!, identityCount: count });
}

/** Reads the task through the version's own task-status path and checks it matches the 202 reference. */
async function readTask(t: TestApp, v: Version, taskId: string) {
  const res = await t.app.inject({ method: 'GET', url: `${v.tasks}/${taskId}`, headers: await t.admin() });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

function expectTaskReference(body: any): void {
  expect(body).toMatchObject({
    id: expect.stringMatching(/^[0-9a-f]{32}$/),
    name: expect.stringMatching(/^Background Object Terminator/),
    description: expect.any(String),
    launcher: expect.any(String),
    launched: expect.any(String),
  });
}

const messagesOf = (task: any): string[] => task.messages.map((m: any) => m.localizedText.message);

describeOnDatabases('identity profiles: delete and bulk delete', (app) => {
  it.each(VERSIONS)('$name: DELETE answers 202 with a task that deletes the profile', async (v) => {
    const t = app();
    const profile = await newProfile(t, v);
    const res = await request(t, v, 'DELETE', `/${profile.id}`);
    expect(res.statusCode, res.body).toBe(202);
    expectTaskReference(res.json());
    const done = await waitForTask(t, res.json().id);
    expect(done.completionStatus).toBe('Success');
    expect((await readTask(t, v, res.json().id)).completed).toBe(done.completed);
    expect404(await request(t, v, 'GET', `/${profile.id}`));
  });

  it.each(VERSIONS)('$name: DELETE of an unknown id is 404', async (v) => {
    const t = app();
    expect404(await request(t, v, 'DELETE', `/${unknownId()}`));
  });

  it('DELETE of a profile that still has identities is 400, saying how many', async () => {
    const t = app();
    const profile = await newProfile(t);
    await giveIdentities(t, profile.id, 3);
    expect400(await request(t, V3, 'DELETE', `/${profile.id}`), /3 identities/, new RegExp(profile.name));
    expect((await request(t, V3, 'GET', `/${profile.id}`)).statusCode).toBe(200);
  });

  it.each(VERSIONS)('$name: bulk delete answers 202 and deletes every listed profile', async (v) => {
    const t = app();
    const a = await newProfile(t, v);
    const b = await newProfile(t, v);
    const keep = await newProfile(t, v);
    const res = await request(t, v, 'POST', '/bulk-delete', { payload: [a.id, b.id] });
    expect(res.statusCode, res.body).toBe(202);
    expectTaskReference(res.json());
    const done = await waitForTask(t, res.json().id);
    expect(done.completionStatus).toBe('Success');
    expect404(await request(t, v, 'GET', `/${a.id}`));
    expect404(await request(t, v, 'GET', `/${b.id}`));
    expect((await request(t, v, 'GET', `/${keep.id}`)).statusCode).toBe(200);
  });

  it.each(VERSIONS)('$name: bulk delete with unknown ids ends with Warning and a message per unknown id', async (v) => {
    const t = app();
    const known = await newProfile(t, v);
    const missing = [unknownId(), `${unknownId().slice(0, 31)}e`];
    const res = await request(t, v, 'POST', '/bulk-delete', { payload: [missing[0], known.id, missing[1]] });
    expect(res.statusCode, res.body).toBe(202);
    await waitForTask(t, res.json().id);
    const task = await readTask(t, v, res.json().id);
    // task-status.v1 spells completion statuses in upper case
    expect(task.completionStatus).toBe(v.name === 'v1' ? 'WARNING' : 'Warning');
    for (const id of missing) expect(messagesOf(task).filter((m) => m.includes(id))).toHaveLength(1);
    expect(messagesOf(task).some((m) => m.includes(known.id))).toBe(false);
    expect404(await request(t, v, 'GET', `/${known.id}`));
  });

  it('bulk delete skips a profile that still has identities, with a warning, and deletes the rest', async () => {
    const t = app();
    const busy = await newProfile(t);
    const free = await newProfile(t);
    await giveIdentities(t, busy.id, 1);
    const res = await request(t, V3, 'POST', '/bulk-delete', { payload: [busy.id, free.id] });
    const task = await waitForTask(t, res.json().id);
    expect(task.completionStatus).toBe('Warning');
    expect(messagesOf(task).find((m) => m.includes(busy.id))).toMatch(/1 identity/);
    expect((await request(t, V3, 'GET', `/${busy.id}`)).statusCode).toBe(200);
    expect404(await request(t, V3, 'GET', `/${free.id}`));
  });

  it('bulk delete refuses a body that is not a non-empty array of ids (400)', async () => {
    const t = app();
    for (const payload of [[], {}, [1], [''], 'abc', null]) {
      const res = await request(t, V3, 'POST', '/bulk-delete', {
        payload: JSON.stringify(payload),
        headers: { 'content-type': 'application/json' },
      });
      expect400(res);
    }
  });

  it('repeated ids in a bulk delete are deleted once, without a warning', async () => {
    const t = app();
    const profile = await newProfile(t);
    const res = await request(t, V3, 'POST', '/bulk-delete', { payload: [profile.id, profile.id] });
    expect((await waitForTask(t, res.json().id)).completionStatus).toBe('Success');
  });

  it('beta deletes need idn:identity-profile:delete; the other versions need manage', async () => {
    const t = app();
    const bearer = async (scope: string) => ({
      authorization: `Bearer ${await t.token({ scopes: [scope], authorities: ['ORG_ADMIN'] })}`,
    });
    const manage = await bearer('idn:identity-profile:manage');
    const del = await bearer('idn:identity-profile:delete');
    const beta = VERSIONS[1];
    const p1 = await newProfile(t);
    expect((await request(t, beta, 'DELETE', `/${p1.id}`, { auth: manage })).statusCode).toBe(403);
    expect((await request(t, beta, 'POST', '/bulk-delete', { auth: manage, payload: [p1.id] })).statusCode).toBe(403);
    expect((await request(t, V3, 'DELETE', `/${p1.id}`, { auth: del })).statusCode).toBe(403);
    const res = await request(t, beta, 'DELETE', `/${p1.id}`, { auth: del });
    expect(res.statusCode, res.body).toBe(202);
    await waitForTask(t, res.json().id);
    const p2 = await newProfile(t);
    const v3 = await request(t, V3, 'POST', '/bulk-delete', { auth: manage, payload: [p2.id] });
    expect(v3.statusCode, v3.body).toBe(202);
    await waitForTask(t, v3.json().id);
  });
});
