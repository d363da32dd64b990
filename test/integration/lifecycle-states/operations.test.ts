/**
 * Lifecycle states through the API in every version, on both databases, each response validated
 * against the version's SailPoint document: the default states of a new profile, create, get,
 * list (sorters, paging, X-Total-Count), PATCH of each version's updatable fields and refusal of
 * the others, delete (202 LifecyclestateDeleted), and beta's GET and PATCH with its flat shape.
 */
import { expect, it } from 'vitest';
import {
  describeOnDatabases,
  expect400,
  expect404,
  newProfile,
  newSource,
  unknownId,
  V3,
  type Version,
} from '../identity-profiles/helpers.js';
import { BETA, FULL_VERSIONS, fullState, isCurrent, stateRequest } from './helpers.js';

describeOnDatabases('lifecycle states: operations', (app) => {
  it.each(FULL_VERSIONS)("$name: a new profile has ISC's default states, Active and Inactive", async (v) => {
    const t = app();
    const profile = await newProfile(t, v);
    const res = await stateRequest(t, v, 'GET', profile.id);
    expect(res.statusCode, res.body).toBe(200);
    const states = res.json();
    expect(states.map((s: any) => [s.technicalName, s.name, s.enabled, s.identityCount])).toEqual([
      ['active', 'Active', false, 0],
      ['inactive', 'Inactive', false, 0],
    ]);
    for (const s of states) expect(s.id).toMatch(/^[0-9a-f]{32}$/);
    if (isCurrent(v)) expect(states.map((s: any) => s.priority)).toEqual([10, 20]);
    else expect(states[0]).not.toHaveProperty('priority');
  });

  it.each(FULL_VERSIONS)('$name: creates (201) with every field the version knows, and reads it back', async (v) => {
    const t = app();
    const profile = await newProfile(t, v);
    const source = await newSource(t);
    const body = fullState(v, 'leaver', source.id);
    const res = await stateRequest(t, v, 'POST', profile.id, '', { payload: body });
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json();
    const actions = isCurrent(v)
      ? [{ action: 'DISABLE', sourceIds: [source.id], excludeSourceIds: null, allSources: false }]
      : [{ action: 'DISABLE', sourceIds: [source.id] }];
    expect(created).toEqual({
      ...body,
      accountActions: actions,
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      created: expect.any(String),
      modified: created.created,
      identityCount: 0,
    });
    const got = await stateRequest(t, v, 'GET', profile.id, `/${created.id}`);
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(created);
    // a state created in one version reads in the others in their own shape
    const beta = await stateRequest(t, BETA, 'GET', profile.id, `/${created.id}`);
    expect(beta.statusCode).toBe(200);
    expect(beta.json()).not.toHaveProperty('identityState');
  });

  it.each(FULL_VERSIONS)(
    '$name: defaults of a minimal state; the technical name is unique in the profile, ignoring case',
    async (v) => {
      const t = app();
      const profile = await newProfile(t, v);
      const res = await stateRequest(t, v, 'POST', profile.id, '', {
        payload: { name: 'Leave', technicalName: 'onLeave' },
      });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({
        enabled: false,
        accountActions: [],
        accessProfileIds: [],
        identityState: null,
        emailNotificationOption: {
          notifyManagers: false,
          notifyAllAdmins: false,
          notifySpecificUsers: false,
          emailAddressList: [],
        },
      });
      if (v.name === 'v3') expect(res.json()).not.toHaveProperty('description');
      else expect(res.json().description).toBeNull();
      expect400(
        await stateRequest(t, v, 'POST', profile.id, '', { payload: { name: 'Again', technicalName: 'ONLEAVE' } }),
        /technical name 'onLeave'/,
        /unique within a profile/,
      );
      expect400(
        await stateRequest(t, v, 'POST', profile.id, '', { payload: { name: 'x', technicalName: 'Active' } }),
        /'active'/,
      );
      const other = await newProfile(t, v);
      expect(
        (await stateRequest(t, v, 'POST', other.id, '', { payload: { name: 'Leave', technicalName: 'onLeave' } }))
          .statusCode,
      ).toBe(201);
    },
  );

  it.each(FULL_VERSIONS)('$name: refuses bad input with a 400 naming it', async (v) => {
    const t = app();
    const profile = await newProfile(t, v);
    const post = (payload: unknown) => stateRequest(t, v, 'POST', profile.id, '', { payload: payload as object });
    expect400(await post({ name: 'No technical name' }), /technicalName/);
    expect400(await post({ technicalName: 'noname' }), /name/);
    expect400(await post({ name: 'x', technicalName: ' padded ' }), /technicalName/);
    expect400(
      await post({ name: 'x', technicalName: 'a1', accountActions: [{ action: 'SUSPEND', sourceIds: ['s'] }] }),
      /action/,
    );
    expect400(
      await post({ name: 'x', technicalName: 'a2', accountActions: [{ action: 'DISABLE', sourceIds: [unknownId()] }] }),
      /names source '[0-9a-f]{32}', which does not exist/,
    );
    expect400(
      await post({ name: 'x', technicalName: 'a3', accountActions: [{ action: 'DISABLE' }] }),
      /name the sources in sourceIds/,
    );
    expect400(await post({ name: 'x', technicalName: 'a4', accessProfileIds: ['a', 'a'] }), /accessProfileIds/);
    if (isCurrent(v)) {
      expect400(await post({ name: 'x', technicalName: 'a5', identityState: 'GONE' }), /identityState/);
      expect400(
        await post({
          name: 'x',
          technicalName: 'a6',
          accountActions: [{ action: 'DISABLE', allSources: true, sourceIds: ['s'] }],
        }),
        /must not be given with allSources/,
      );
      expect400(
        await post({
          name: 'x',
          technicalName: 'a7',
          accountActions: [{ action: 'DISABLE', sourceIds: ['s'], excludeSourceIds: ['t'] }],
        }),
        /excludeSourceIds only applies/,
      );
      const all = await post({
        name: 'x',
        technicalName: 'a8',
        accountActions: [{ action: 'ENABLE', allSources: true }],
      });
      expect(all.statusCode, all.body).toBe(201);
      expect(all.json().accountActions).toEqual([
        { action: 'ENABLE', sourceIds: null, excludeSourceIds: [], allSources: true },
      ]);
    }
    expect404(
      await stateRequest(t, v, 'POST', unknownId(), '', {
        payload: { name: 'x', technicalName: 'y' },
        undeclared: true,
      }),
    );
  });

  it('refuses malformed ids with a 400, never a 500', async () => {
    const t = app();
    const profile = await newProfile(t, V3);
    expect400(await stateRequest(t, V3, 'GET', profile.id, `/${'y'.repeat(129)}`), /stateId/);
    expect400(await stateRequest(t, V3, 'GET', profile.id, '/a%00b'), /cannot be stored/);
    expect400(await stateRequest(t, V3, 'GET', 'a%00b', '', { undeclared: true }), /cannot be stored/);
    expect400(
      await stateRequest(t, V3, 'PATCH', profile.id, '/x', { patch: [{ op: 'replace', path: '/enabled' }] }),
      /needs a 'value'/,
    );
  });

  it.each(FULL_VERSIONS)('$name: lists with sorters, paging and X-Total-Count', async (v) => {
    const t = app();
    const profile = await newProfile(t, v);
    for (const [name, technicalName] of [
      ['b state', 'b'],
      ['A state', 'a'],
    ]) {
      expect((await stateRequest(t, v, 'POST', profile.id, '', { payload: { name, technicalName } })).statusCode).toBe(
        201,
      );
    }
    const names = async (query: string) => {
      const res = await stateRequest(t, v, 'GET', profile.id, query);
      expect(res.statusCode, res.body).toBe(200);
      return { names: res.json().map((s: any) => s.name), total: res.headers['x-total-count'] };
    };
    expect(await names('?sorters=name')).toEqual({
      names: ['A state', 'Active', 'b state', 'Inactive'],
      total: undefined,
    });
    expect(await names('?sorters=-name&limit=2&offset=1&count=true')).toEqual({
      names: ['b state', 'Active'],
      total: '4',
    });
    // priority: the defaults' 10 and 20 first, states without one after them
    expect((await names('?sorters=priority')).names.slice(0, 2)).toEqual(['Active', 'Inactive']);
    expect((await names('?sorters=-created,name')).names.slice(2)).toEqual(['Active', 'Inactive']);
    expect((await names('?sorters=modified')).names).toHaveLength(4);
    expect400(await stateRequest(t, v, 'GET', profile.id, '?sorters=technicalName'), /sorters/);
    expect400(await stateRequest(t, v, 'GET', profile.id, '?filters=name%20eq%20%22a%22'), /filters/);
    expect400(await stateRequest(t, v, 'GET', profile.id, '?limit=251'), /limit/);
    expect404(await stateRequest(t, v, 'GET', unknownId(), '', { undeclared: true }));
  });

  it.each(FULL_VERSIONS)('$name: PATCH changes the updatable fields and refuses the others', async (v) => {
    const t = app();
    const profile = await newProfile(t, v);
    const source = await newSource(t);
    const created = (
      await stateRequest(t, v, 'POST', profile.id, '', { payload: { name: 'Leaver', technicalName: 'leaver' } })
    ).json();
    const patch = (ops: unknown[]) => stateRequest(t, v, 'PATCH', profile.id, `/${created.id}`, { patch: ops });
    const ops = [
      { op: 'replace', path: '/enabled', value: true },
      { op: 'replace', path: '/description', value: 'Gone' },
      { op: 'add', path: '/accountActions/-', value: { action: 'DISABLE', sourceIds: [source.id] } },
      { op: 'replace', path: '/accessProfileIds', value: ['ap1'] },
      { op: 'replace', path: '/emailNotificationOption/notifyManagers', value: true },
      ...(isCurrent(v)
        ? [
            { op: 'replace', path: '/priority', value: 7 },
            { op: 'replace', path: '/accessActionConfiguration', value: { removeAllAccessEnabled: true } },
          ]
        : []),
    ];
    const res = await patch(ops);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      enabled: true,
      description: 'Gone',
      accessProfileIds: ['ap1'],
      emailNotificationOption: { notifyManagers: true },
      technicalName: 'leaver',
    });
    expect(res.json().accountActions).toHaveLength(1);
    if (isCurrent(v))
      expect(res.json()).toMatchObject({ priority: 7, accessActionConfiguration: { removeAllAccessEnabled: true } });
    expect(Date.parse(res.json().modified)).toBeGreaterThanOrEqual(Date.parse(created.modified));
    expect((await stateRequest(t, v, 'GET', profile.id, `/${created.id}`)).json()).toEqual(res.json());

    expect400(
      await patch([{ op: 'replace', path: '/technicalName', value: 'other' }]),
      /'technicalName' cannot be modified/,
    );
    expect400(await patch([{ op: 'replace', path: '/name', value: 'Other' }]), /'name' cannot be modified/);
    expect400(
      await patch([{ op: 'replace', path: '/identityState', value: null }]),
      /'identityState' cannot be modified/,
    );
    expect400(await patch([{ op: 'replace', path: '/identityCount', value: 3 }]), /'identityCount' cannot be modified/);
    expect400(
      await patch([{ op: 'replace', path: '', value: { ...res.json(), technicalName: 'x' } }]),
      /'technicalName'/,
    );
    expect400(
      await patch([{ op: 'replace', path: '/accountActions/0/sourceIds', value: [unknownId()] }]),
      /does not exist/,
    );
    expect400(await patch([{ op: 'replace', path: '/enabled', value: 'yes' }]), /enabled/);
    if (!isCurrent(v)) expect400(await patch([{ op: 'replace', path: '/priority', value: 1 }]), /no field 'priority'/);
    expect404(
      await stateRequest(t, v, 'PATCH', profile.id, `/${unknownId()}`, {
        patch: [{ op: 'replace', path: '/enabled', value: true }],
      }),
    );
    // nothing of the refused patches was written
    expect((await stateRequest(t, v, 'GET', profile.id, `/${created.id}`)).json()).toEqual(res.json());
  });

  it.each(FULL_VERSIONS)('$name: DELETE answers 202 LifecyclestateDeleted; then 404', async (v) => {
    const t = app();
    const profile = await newProfile(t, v);
    const created = (
      await stateRequest(t, v, 'POST', profile.id, '', { payload: { name: 'Temp', technicalName: 'temp' } })
    ).json();
    const res = await stateRequest(t, v, 'DELETE', profile.id, `/${created.id}`);
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toEqual({ type: 'LIFECYCLE_STATE', id: created.id, name: 'Temp' });
    expect404(await stateRequest(t, v, 'GET', profile.id, `/${created.id}`));
    expect404(await stateRequest(t, v, 'DELETE', profile.id, `/${created.id}`));
    const other = await newProfile(t, v);
    const inactive = (await stateRequest(t, v, 'GET', profile.id)).json()[1];
    expect404(await stateRequest(t, v, 'DELETE', other.id, `/${inactive.id}`)); // not this profile's state
  });

  it('beta: GET and PATCH by id in the flat shape; no list, create or delete', async () => {
    const t = app();
    const profile = await newProfile(t, V3);
    const source = await newSource(t);
    const active = (await stateRequest(t, V3, 'GET', profile.id)).json()[0];
    const got = await stateRequest(t, BETA, 'GET', profile.id, `/${active.id}`);
    expect(got.statusCode).toBe(200);
    expect(Object.keys(got.json()).sort()).toEqual([
      'accessProfileIds',
      'accountActions',
      'created',
      'emailNotificationOption',
      'enabled',
      'id',
      'identityCount',
      'modified',
      'name',
      'technicalName',
    ]);
    const patched = await stateRequest(t, BETA, 'PATCH', profile.id, `/${active.id}`, {
      patch: [
        { op: 'replace', path: '/enabled', value: true },
        { op: 'replace', path: '/accountActions', value: [{ action: 'ENABLE', sourceIds: [source.id] }] },
      ],
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({
      enabled: true,
      accountActions: [{ action: 'ENABLE', sourceIds: [source.id], excludeSourceIds: null, allSources: false }],
    });
    expect400(
      await stateRequest(t, BETA, 'PATCH', profile.id, `/${active.id}`, {
        patch: [{ op: 'replace', path: '/accountActions', value: [{ action: 'DELETE', sourceIds: [source.id] }] }],
      }),
      /action/,
    );
    expect400(
      await stateRequest(t, BETA, 'PATCH', profile.id, `/${active.id}`, {
        patch: [{ op: 'replace', path: '/identityState', value: 'ACTIVE' }],
      }),
      /no field 'identityState'/,
    );
    expect404(await stateRequest(t, BETA, 'GET', profile.id, `/${unknownId()}`, { undeclared: true }));
    for (const [method, path] of [
      ['GET', ''],
      ['POST', ''],
      ['DELETE', `/${active.id}`],
    ] as const) {
      const res = await t.app.inject({
        method,
        url: `${BETA.base}/${profile.id}/lifecycle-states${path}`,
        headers: await t.admin(),
        ...(method === 'POST' ? { payload: {} } : {}),
      });
      expect([404, 405], `${method} ${path}`).toContain(res.statusCode);
    }
  });

  it.each(FULL_VERSIONS)(
    '$name: an allSources action written in v2025 survives a classic PATCH of other fields',
    async (v: Version) => {
      if (isCurrent(v)) return;
      const t = app();
      const profile = await newProfile(t, v);
      const v2025 = { ...v, name: 'v2025' as const, base: '/v2025/identity-profiles' };
      const created = (
        await stateRequest(t, v2025, 'POST', profile.id, '', {
          payload: { name: 'All', technicalName: 'all', accountActions: [{ action: 'DISABLE', allSources: true }] },
        })
      ).json();
      const res = await stateRequest(t, v, 'PATCH', profile.id, `/${created.id}`, {
        patch: [{ op: 'replace', path: '/enabled', value: true }],
      });
      expect(res.statusCode, res.body).toBe(200);
      expect((await stateRequest(t, v2025, 'GET', profile.id, `/${created.id}`)).json().accountActions).toEqual([
        { action: 'DISABLE', sourceIds: null, excludeSourceIds: [], allSources: true },
      ]);
    },
  );
});
