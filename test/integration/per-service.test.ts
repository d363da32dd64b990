/**
 * The per-service layout of the newest SDKs (issue 16): one whole session that uses only
 * `/sources/v1`, `/accounts/v1`, `/identities/v1`, `/transforms/v1`, `/task-status/v1` and
 * `/identity-profiles/v1` — token, source, load, profile with mappings, processing polled at
 * task-status, identities and accounts listed, an account disabled and enabled, transforms CRUD —
 * with every response (successes and refusals) validated against its per-service document.
 */
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { loadJob } from '../../src/domain/accounts/load.js';
import { apiClientRepository } from '../../src/db/repositories/clients.js';
import { createClient } from '../../src/domain/clients/service.js';
import { jobsFinishing, waitForTask, type TestApp } from '../helpers/app.js';
import { expectContract, perServiceDocumentFor } from '../helpers/contract.js';
import { multipartFile } from '../helpers/multipart.js';
import { CONTRACTS_PRESENT, describeOnDatabases, uniq, unknownId } from './identity-profiles/helpers.js';

const HR = [
  'id,name,first,last,mail,dept',
  'e1,ann.boss,Ann,Boss,ANN@EXAMPLE.COM,Executive',
  'e2,bob.lead,Bob,Lead,bob@example.com,Engineering',
  'e3,cy.dev,Cy,Dev,,Engineering',
].join('\n');

/** Every URL this file calls, by the document that declares it (the test fails on one no document covers). */
function documentOf(url: string) {
  const doc = perServiceDocumentFor(url) ?? (url.startsWith('/identity-profiles/v1') ? ('v1' as const) : undefined);
  if (!doc) throw new Error(`${url} is not in the per-service layout`);
  return doc;
}

describeOnDatabases('the per-service layout', (app) => {
  let auth: Record<string, string>;
  let t: TestApp;
  /** One request with the session's token; its response checked against the path's per-service document. */
  const call = async (
    method: InjectOptions['method'],
    url: string,
    options: { payload?: InjectOptions['payload']; headers?: Record<string, string> } = {},
  ) => {
    const res = await t.app.inject({ method, url, payload: options.payload, headers: { ...auth, ...options.headers } });
    check(String(method), url, res);
    return res;
  };
  const check = (method: string, url: string, res: LightMyRequestResponse) => {
    if (!CONTRACTS_PRESENT) return;
    const body = res.body === '' ? undefined : res.json();
    expectContract(
      documentOf(url),
      method,
      url.replace(/\?.*$/, ''),
      res.statusCode,
      body,
      String(res.headers['content-type'] ?? 'application/json'),
    );
  };
  /** Follows a task to its end at `/task-status/v1`, each read checked against task-status.v1. */
  const finished = async (taskId: string) => {
    const done = await waitForTask(t, taskId, 30_000, { at: '/task-status/v1', headers: auth });
    check(
      'GET',
      `/task-status/v1/${taskId}`,
      await t.app.inject({ method: 'GET', url: `/task-status/v1/${taskId}`, headers: auth }),
    );
    return done;
  };

  beforeAll(async () => {
    t = app();
    // the token flow a script does: a client (as `idprofiles clients create` makes one), then POST /oauth/token
    const { client, secret } = await createClient(apiClientRepository(t.services.database.db), {
      name: uniq('per-service'),
    });
    const token = await t.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `grant_type=client_credentials&client_id=${client.id}&client_secret=${secret}`,
    });
    expect(token.statusCode, token.body).toBe(200);
    auth = { authorization: `Bearer ${token.json().access_token}` };
  });

  it('runs a whole session: source, load, profile, processing, identities, accounts, disable, transforms', async () => {
    const sourceName = uniq('HR');
    const source = await call('POST', '/sources/v1', {
      payload: { name: sourceName, owner: null, connector: 'delimited-file' },
    });
    expect(source.statusCode, source.body).toBe(201);
    const sourceId = source.json().id;
    expect((await call('GET', `/sources/v1/${sourceId}`)).json().name).toBe(sourceName);
    const listed = await call('GET', `/sources/v1?filters=${encodeURIComponent(`name eq "${sourceName}"`)}`);
    expect(listed.json().map((s: { id: string }) => s.id)).toEqual([sourceId]);
    const patched = await call('PATCH', `/sources/v1/${sourceId}`, {
      payload: JSON.stringify([{ op: 'replace', path: '/deleteThreshold', value: 20 }]),
      headers: { 'content-type': 'application/json-patch+json' },
    });
    expect([patched.statusCode, patched.json().deleteThreshold]).toEqual([200, 20]);

    // load: 202 with the task, whose Location is in this layout
    const loads = jobsFinishing(t, loadJob.name);
    const file = multipartFile('file', 'hr.csv', HR);
    const load = await call('POST', `/sources/v1/${sourceId}/load-accounts`, {
      payload: file.payload,
      headers: file.headers,
    });
    expect(load.statusCode, load.body).toBe(202);
    const loadTask = load.json().task.id;
    expect(load.headers.location).toBe(`/task-status/v1/${loadTask}`);
    await loads.finished(loadTask);
    loads.stop();
    const loaded = await finished(loadTask);
    expect(loaded).toMatchObject({
      type: 'QUARTZ',
      completionStatus: 'SUCCESS',
      target: { type: 'APPLICATION', id: sourceId, name: sourceName },
      attributes: { appId: sourceId },
    });
    expect(loaded.uniqueName).toMatch(/^Cloud Account Aggregation/);
    expect(loaded.result).toMatchObject({ rows: 3, added: 3 });

    // a profile with mappings on the source, then processing, polled at /task-status/v1
    const attr = (attributeName: string) => ({ type: 'accountAttribute', attributes: { attributeName, sourceName } });
    const profile = await call('POST', '/identity-profiles/v1', {
      payload: {
        name: uniq('Employees'),
        authoritativeSource: { type: 'SOURCE', id: sourceId },
        identityAttributeConfig: {
          enabled: true,
          attributeTransforms: [
            { identityAttributeName: 'uid', transformDefinition: attr('name') },
            {
              identityAttributeName: 'email',
              transformDefinition: { type: 'lower', attributes: { input: attr('mail') } },
            },
            { identityAttributeName: 'department', transformDefinition: attr('dept') },
            { identityAttributeName: 'firstname', transformDefinition: attr('first') },
          ],
        },
      },
    });
    expect(profile.statusCode, profile.body).toBe(201);
    const profileId = profile.json().id;
    const run = await call('POST', `/identity-profiles/v1/${profileId}/process-identities`);
    expect(run.statusCode, run.body).toBe(202);
    expect(String(run.headers.location)).toMatch(/^\/task-status\/v1\/[0-9a-f]{32}$/);
    const processed = await finished(String(run.headers.location).split('/').pop()!);
    expect(processed).toMatchObject({
      type: 'QUARTZ',
      completionStatus: 'SUCCESS',
      target: { type: null, id: profileId },
    });
    const tasks = await call(
      'GET',
      `/task-status/v1?filters=${encodeURIComponent(`type eq "CLOUD_ACCOUNT_AGGREGATION" and sourceId eq "${sourceId}"`)}&sorters=-created`,
    );
    expect(tasks.json().map((x: { id: string }) => x.id)).toEqual([loadTask]);

    // identities and accounts, as the per-service documents list them
    const identities = await call(
      'GET',
      `/identities/v1?filters=${encodeURIComponent('name sw "ann" or name sw "bob" or name sw "cy"')}&sorters=name`,
    );
    expect(identities.statusCode, identities.body).toBe(200);
    const mine = identities
      .json()
      .filter((i: { identityProfile?: { id: string } }) => i.identityProfile?.id === profileId);
    expect(mine.map((i: { name: string; attributes: object }) => [i.name, i.attributes])).toEqual([
      ['ann.boss', { uid: 'ann.boss', email: 'ann@example.com', department: 'Executive', firstname: 'Ann' }],
      ['bob.lead', { uid: 'bob.lead', email: 'bob@example.com', department: 'Engineering', firstname: 'Bob' }],
      ['cy.dev', { uid: 'cy.dev', email: null, department: 'Engineering', firstname: 'Cy' }],
    ]);
    expect((await call('GET', `/identities/v1/${mine[1].id}`)).json().name).toBe('bob.lead');
    // identities.v1 calls the field `email`
    const byEmail = await call('GET', `/identities/v1?filters=${encodeURIComponent('email eq "BOB@example.com"')}`);
    expect(byEmail.json().filter((i: { id: string }) => i.id === mine[1].id)).toHaveLength(1);
    // and `firstname`/`lastname` are the identity attributes of those names
    const byFirstname = await call(
      'GET',
      `/identities/v1?filters=${encodeURIComponent(`firstname sw "b" and (attributes.department eq "engineering" or firstname eq "Ann")`)}&sorters=name`,
    );
    expect(
      byFirstname
        .json()
        .filter((i: { identityProfile?: { id: string } }) => i.identityProfile?.id === profileId)
        .map((i: { name: string }) => i.name),
    ).toEqual(['bob.lead']);
    expect((await call('GET', `/identities/v1?filters=${encodeURIComponent('lastname co "x"')}`)).statusCode).toBe(400);
    const sources = await call(
      'GET',
      `/sources/v1?filters=${encodeURIComponent(`type eq "DelimitedFile" and id eq "${sourceId}"`)}&sorters=-created,owner.name`,
    );
    expect(sources.json().map((x: { id: string }) => x.id)).toEqual([sourceId]);
    const preview = await call('POST', '/identity-profiles/v1/identity-preview', {
      payload: {
        identityId: mine[2].id,
        identityAttributeConfig: {
          enabled: true,
          attributeTransforms: [{ identityAttributeName: 'email', transformDefinition: attr('mail') }],
        },
      },
    });
    // cy has no mail: no value and no previous value, so neither field (never null)
    expect(preview.json().previewAttributes).toEqual([{ name: 'email', errorMessages: [] }]);

    const accounts = await call(
      'GET',
      `/accounts/v1?filters=${encodeURIComponent(`sourceId eq "${sourceId}" and hasEntitlements eq false`)}&sorters=nativeIdentity&count=true`,
    );
    expect(accounts.headers['x-total-count']).toBe('3');
    expect(
      accounts.json().map((a: { nativeIdentity: string; disabled: boolean }) => [a.nativeIdentity, a.disabled]),
    ).toEqual([
      ['e1', false],
      ['e2', false],
      ['e3', false],
    ]);
    const bob = accounts.json()[1];
    expect(bob.identityId).toBe(mine[1].id);

    // disable, then enable: a task reference (complete), `disabled` on the account
    const disabled = await call('POST', `/accounts/v1/${bob.id}/disable`, { payload: {} });
    expect(disabled.statusCode, disabled.body).toBe(202);
    expect(Object.keys(disabled.json())).toEqual(['id']);
    expect(disabled.headers.location).toBe(`/task-status/v1/${disabled.json().id}`);
    expect(await finished(disabled.json().id)).toMatchObject({
      completionStatus: 'SUCCESS',
      result: { disabled: true, changed: 1, accountIds: [bob.id] },
    });
    expect((await call('GET', `/accounts/v1/${bob.id}`)).json()).toMatchObject({ id: bob.id, disabled: true });
    expect((await call('GET', `/accounts/v1/${accounts.json()[0].id}`)).json().disabled).toBe(false);
    const disabledOnes = await call(
      'GET',
      `/accounts/v1?filters=${encodeURIComponent(`disabled eq true and sourceId eq "${sourceId}" and hasEntitlements eq false and manuallyCorrelated eq false`)}&sorters=-identityId`,
    );
    expect(disabledOnes.json().map((a: { id: string }) => a.id)).toEqual([bob.id]);
    const again = await call('POST', `/accounts/v1/${bob.id}/disable`, { payload: { forceProvisioning: false } });
    expect(await finished(again.json().id)).toMatchObject({ result: { changed: 0, unchangedAccountIds: [bob.id] } });
    const enabled = await call('POST', `/accounts/v1/${bob.id}/enable`, { payload: {} });
    expect(enabled.statusCode, enabled.body).toBe(202);
    expect((await call('GET', `/accounts/v1/${bob.id}`)).json().disabled).toBe(false);
    expect((await call('POST', `/accounts/v1/${unknownId()}/disable`, { payload: {} })).statusCode).toBe(404);
    expect(
      (await call('POST', `/accounts/v1/${bob.id}/disable`, { payload: { forceProvisioning: 'yes' } })).statusCode,
    ).toBe(400);
    // the body is required (AccountToggleRequest): none, or JSON null, is a 400 and changes nothing
    expect((await call('POST', `/accounts/v1/${bob.id}/disable`)).statusCode).toBe(400);
    expect(
      (
        await call('POST', `/accounts/v1/${bob.id}/disable`, {
          payload: 'null',
          headers: { 'content-type': 'application/json' },
        })
      ).statusCode,
    ).toBe(400);
    expect((await call('GET', `/accounts/v1/${bob.id}`)).json().disabled).toBe(false);

    // transforms: create, list, get, replace, delete
    const transformName = uniq('Lower Mail');
    const created = await call('POST', '/transforms/v1', {
      payload: { name: transformName, type: 'lower', attributes: { input: attr('mail') } },
    });
    expect(created.statusCode, created.body).toBe(201);
    const transformId = created.json().id;
    expect(
      (await call('GET', `/transforms/v1?filters=${encodeURIComponent(`name eq "${transformName}"`)}`))
        .json()
        .map((x: { id: string }) => x.id),
    ).toEqual([transformId]);
    expect((await call('GET', `/transforms/v1/${transformId}`)).json().type).toBe('lower');
    const replaced = await call('PUT', `/transforms/v1/${transformId}`, {
      payload: { name: transformName, type: 'lower', attributes: { input: attr('first') } },
    });
    expect(replaced.statusCode, replaced.body).toBe(200);
    expect(replaced.json().attributes.input.attributes.attributeName).toBe('first');
    expect((await call('DELETE', `/transforms/v1/${transformId}`)).statusCode).toBe(204);
    expect((await call('GET', `/transforms/v1/${transformId}`)).statusCode).toBe(404);
  });

  it('deletes a source with a task reference (202), and refuses unknown ids and bad input as the documents say', async () => {
    const source = await call('POST', '/sources/v1', {
      payload: { name: uniq('Gone'), owner: null, connector: 'delimited-file' },
    });
    const id = source.json().id;
    const deleted = await call('DELETE', `/sources/v1/${id}`);
    expect(deleted.statusCode, deleted.body).toBe(202);
    expect(deleted.json()).toEqual({ type: 'TASK_RESULT', id: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(await finished(deleted.json().id)).toMatchObject({
      completionStatus: 'SUCCESS',
      target: { type: 'APPLICATION', id },
    });
    for (const url of [
      `/sources/v1/${id}`,
      `/accounts/v1/${unknownId()}`,
      `/identities/v1/${unknownId()}`,
      `/transforms/v1/${unknownId()}`,
    ]) {
      expect((await call('GET', url)).statusCode, url).toBe(404);
    }
    expect((await call('DELETE', `/sources/v1/${id}`)).statusCode).toBe(404);
    // a load that ends in error reads as task-status.v1 declares too (messages, ERROR)
    const other = (
      await call('POST', '/sources/v1', { payload: { name: uniq('Empty'), owner: null, connector: 'delimited-file' } })
    ).json().id;
    const loads = jobsFinishing(t, loadJob.name);
    const full = await call(
      'POST',
      `/sources/v1/${other}/load-accounts`,
      multipartFile('file', 'a.csv', 'id,name\na1,al\n'),
    );
    const empty = await call(
      'POST',
      `/sources/v1/${other}/load-accounts`,
      multipartFile('file', 'empty.csv', 'id,name\n'),
    );
    await Promise.all([loads.finished(full.json().task.id), loads.finished(empty.json().task.id)]);
    loads.stop();
    const refused = await finished(empty.json().task.id);
    expect(refused.completionStatus).toBe('ERROR');
    expect(refused.messages.map((m: { type: string }) => m.type)).toContain('ERROR');
    expect((await call('GET', '/accounts/v1?filters=nosuchfield eq "x"')).statusCode).toBe(400);
    expect((await call('GET', '/identities/v1?limit=251')).statusCode).toBe(400);
    expect((await call('GET', '/task-status/v1?sorters=nosuchfield')).statusCode).toBe(400);
    expect((await call('POST', '/sources/v1', { payload: { name: '' } })).statusCode).toBe(400);
    expect(
      (await call('POST', '/transforms/v1', { payload: { name: uniq('bad'), type: 'nosuchtype', attributes: {} } }))
        .statusCode,
    ).toBe(400);
  });

  it('keeps the version-prefixed layout as it was: /v3 shows the same task in its own shape, and links there stay under /v3', async () => {
    const source = await call('POST', '/sources/v1', {
      payload: { name: uniq('Both'), owner: null, connector: 'delimited-file' },
    });
    const file = multipartFile('file', 'a.csv', 'id,name\na1,al\n');
    const loads = jobsFinishing(t, loadJob.name);
    const v3 = await t.app.inject({
      method: 'POST',
      url: `/v3/sources/${source.json().id}/load-accounts`,
      payload: file.payload,
      headers: { ...auth, ...file.headers },
    });
    expect(v3.statusCode, v3.body).toBe(202);
    expect(v3.headers.location).toBe(`/v3/task-status/${v3.json().task.id}`);
    await loads.finished(v3.json().task.id);
    loads.stop();
    const old = await waitForTask(t, v3.json().task.id);
    expect(old).toMatchObject({
      type: 'CLOUD_ACCOUNT_AGGREGATION',
      completionStatus: 'Success',
      target: { type: 'SOURCE' },
    });
    expect((await finished(v3.json().task.id)).completionStatus).toBe('SUCCESS');
    // the source is no profile's: its account correlates to nobody, and reads so in both layouts
    const filter = `?filters=${encodeURIComponent(`sourceId eq "${source.json().id}"`)}`;
    const [v1Accounts, v3Accounts] = [
      await call('GET', `/accounts/v1${filter}`),
      await t.app.inject({ method: 'GET', url: `/v3/accounts${filter}`, headers: auth }),
    ];
    expect(
      v1Accounts.json().map((a: object) => ['identityId' in a, (a as { uncorrelated: boolean }).uncorrelated]),
    ).toEqual([[false, true]]);
    expect(
      v3Accounts.json().map((a: { identityId: unknown; uncorrelated: boolean }) => [a.identityId, a.uncorrelated]),
    ).toEqual([[null, true]]);
    expect(
      (await t.app.inject({ method: 'DELETE', url: `/v3/sources/${source.json().id}`, headers: auth })).statusCode,
    ).toBe(204);
  });
});
