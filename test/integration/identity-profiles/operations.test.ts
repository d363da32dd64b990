/**
 * The per-profile operations in every version: default-identity-attribute-config (decision 7),
 * process-identities (202 `{}` + Location, decision 8; the SDK's empty form POST) and the 400s
 * of identity-preview (decision 10).
 */
import { expect, it } from 'vitest';
import { waitForTask } from '../../helpers/app.js';
import {
  describeOnDatabases,
  expect400,
  expect404,
  newProfile,
  newSource,
  request,
  unknownId,
  V3,
  VERSIONS,
} from './helpers.js';

const STANDARD = ['uid', 'firstname', 'lastname', 'email', 'displayName'];
const LEGACY_PREVIEW = new Set(['v3', 'beta']);

describeOnDatabases('identity profiles: default config, processing and preview', (app) => {
  it.each(VERSIONS)(
    '$name: default-identity-attribute-config proposes the standard mappings from the authoritative source',
    async (v) => {
      const t = app();
      const source = await newSource(t);
      const profile = await newProfile(t, v, { authoritativeSource: { id: source.id } });
      const res = await request(t, v, 'GET', `/${profile.id}/default-identity-attribute-config`);
      expect(res.statusCode, res.body).toBe(200);
      const config = res.json();
      expect(config.enabled).toBe(true);
      const names = config.attributeTransforms.map((m: any) => m.identityAttributeName);
      expect(names).toEqual(expect.arrayContaining(STANDARD));
      for (const m of config.attributeTransforms) {
        expect(m.transformDefinition).toMatchObject({
          type: 'accountAttribute',
          attributes: { attributeName: expect.any(String), sourceName: source.name, sourceId: source.id },
        });
      }
    },
  );

  it("the proposed config is accepted as the profile's mappings, which then need a refresh", async () => {
    const t = app();
    const profile = await newProfile(t);
    const config = (await request(t, V3, 'GET', `/${profile.id}/default-identity-attribute-config`)).json();
    const res = await request(t, V3, 'PATCH', `/${profile.id}`, {
      payload: [{ op: 'replace', path: '/identityAttributeConfig', value: config }],
      headers: { 'content-type': 'application/json-patch+json' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().identityAttributeConfig).toEqual(config);
    expect(res.json().identityRefreshRequired).toBe(true);
  });

  it.each(VERSIONS)('$name: default-identity-attribute-config of an unknown profile is 404', async (v) => {
    const t = app();
    expect404(await request(t, v, 'GET', `/${unknownId()}/default-identity-attribute-config`));
  });

  it.each(VERSIONS)('$name: process-identities answers 202 {} with a Location to a task that completes', async (v) => {
    const t = app();
    const profile = await newProfile(t, v);
    const res = await request(t, v, 'POST', `/${profile.id}/process-identities`);
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toEqual({});
    const location = String(res.headers.location);
    expect(location).toMatch(new RegExp(`^${v.tasks}/[0-9a-f]{32}$`));
    const taskId = location.split('/').pop()!;
    const task = await t.app.inject({ method: 'GET', url: location, headers: await t.admin() });
    expect(task.statusCode, task.body).toBe(200);
    // task-status.v1 knows no IDENTITY_PROFILE target type (APPLICATION, IDENTITY or null)
    expect(task.json()).toMatchObject({
      id: taskId,
      target: { type: v.name === 'v1' ? null : 'IDENTITY_PROFILE', id: profile.id, name: profile.name },
    });
    expect((await waitForTask(t, taskId)).completionStatus).toBe('Success');
  });

  it('processing clears identityRefreshRequired and sets identityCount', async () => {
    const t = app();
    const source = await newSource(t);
    const profile = await newProfile(t, V3, { authoritativeSource: { id: source.id } });
    const patched = await request(t, V3, 'PATCH', `/${profile.id}`, {
      payload: [{ op: 'replace', path: '/identityAttributeConfig/enabled', value: true }],
      headers: { 'content-type': 'application/json-patch+json' },
    });
    expect(patched.json().identityRefreshRequired).toBe(true);
    const res = await request(t, V3, 'POST', `/${profile.id}/process-identities`);
    await waitForTask(t, String(res.headers.location).split('/').pop()!);
    const after = (await request(t, V3, 'GET', `/${profile.id}`)).json();
    expect(after).toMatchObject({ identityRefreshRequired: false, identityCount: 0 });
  });

  it("process-identities accepts the SDK's empty form POST, an empty JSON POST and no body at all", async () => {
    const t = app();
    const profile = await newProfile(t);
    const url = `/${profile.id}/process-identities`;
    const variants: Array<Record<string, string>> = [
      { 'content-type': 'application/x-www-form-urlencoded' },
      { 'content-type': 'application/json' },
      {},
    ];
    for (const headers of variants) {
      const res = await request(t, V3, 'POST', url, { headers, payload: '' });
      expect(res.statusCode, `${JSON.stringify(headers)} ${res.body}`).toBe(202);
      expect(res.json()).toEqual({});
      await waitForTask(t, String(res.headers.location).split('/').pop()!);
    }
  });

  it.each(VERSIONS)('$name: process-identities of an unknown profile is 404', async (v) => {
    const t = app();
    expect404(await request(t, v, 'POST', `/${unknownId()}/process-identities`));
  });

  it.each(VERSIONS)('$name: identity-preview without an identityId is 400', async (v) => {
    const t = app();
    expect400(await request(t, v, 'POST', '/identity-preview', { payload: {} }), /identityId/);
    expect400(
      await request(t, v, 'POST', '/identity-preview', {
        payload: { identityAttributeConfig: { enabled: true, attributeTransforms: [] } },
      }),
      /identityId/,
    );
    expect400(
      await request(t, v, 'POST', '/identity-preview', {
        payload: JSON.stringify([]),
        headers: { 'content-type': 'application/json' },
      }),
    );
  });

  it.each(VERSIONS)('$name: identity-preview of an unknown identity is 400 naming it', async (v) => {
    const t = app();
    const id = unknownId();
    const res = await request(t, v, 'POST', '/identity-preview', {
      payload: { identityId: id, identityAttributeConfig: { enabled: true, attributeTransforms: [] } },
      headers: { 'x-sailpoint-experimental': 'true' },
    });
    expect400(res, new RegExp(id));
  });

  it.each(VERSIONS)(
    '$name: top-level transform types in a preview (only accountAttribute, reference, rule in v3 and beta)',
    async (v) => {
      const t = app();
      const source = await newSource(t);
      const id = unknownId();
      const attributeTransforms = [
        {
          identityAttributeName: 'uid',
          transformDefinition: {
            type: 'accountAttribute',
            attributes: { attributeName: 'id', sourceName: source.name },
          },
        },
        {
          identityAttributeName: 'department',
          transformDefinition: { type: 'static', attributes: { value: 'Sales' } },
        },
      ];
      const res = await request(t, v, 'POST', '/identity-preview', {
        payload: { identityId: id, identityAttributeConfig: { enabled: true, attributeTransforms } },
      });
      if (LEGACY_PREVIEW.has(v.name))
        expect400(res, /'static'/, /attributeTransforms\[1\] \(department\)/, /accountAttribute, reference, rule/);
      else expect400(res, new RegExp(id)); // the type is fine here; the identity is what is unknown
    },
  );
});
