/**
 * Create (POST, 201) and get (GET by id) in every API version, on both databases: defaults per
 * version, priority max+10, the 400s of decisions 3 and 6, and the 404 shape.
 */
import { expect, it } from 'vitest';
import {
  describeOnDatabases,
  expect400,
  expect404,
  newProfile,
  newSource,
  request,
  uniq,
  unknownId,
  V3,
  VERSIONS,
} from './helpers.js';

describeOnDatabases('identity profiles: create and get', (app) => {
  it.each(VERSIONS)('$name: creates (201) with the version defaults and reads it back', async (v) => {
    const t = app();
    const source = await newSource(t);
    const name = uniq('create');
    const res = await request(t, v, 'POST', '', {
      payload: { name, authoritativeSource: { type: 'SOURCE', id: source.id } },
    });
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json();
    const beta = v.name === 'beta';
    expect(created).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      name,
      description: null,
      owner: null,
      authoritativeSource: { type: 'SOURCE', id: source.id, name: source.name },
      identityRefreshRequired: false,
      identityCount: 0,
      identityAttributeConfig: { enabled: beta, attributeTransforms: [] },
      hasTimeBasedAttr: beta,
    });
    expect(Date.parse(created.created)).not.toBeNaN();
    expect(created.modified).toBe(created.created);

    const got = await request(t, v, 'GET', `/${created.id}`);
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(created);
  });

  it.each(VERSIONS)('$name: keeps every field a client sets', async (v) => {
    const t = app();
    const source = await newSource(t);
    const payload = {
      name: uniq('full'),
      description: 'Employees from HR',
      owner: { type: 'IDENTITY', id: '2c9180835d191a86015d28455b4b232a', name: 'William Wilson' },
      priority: 7,
      authoritativeSource: { type: 'SOURCE', id: source.id, name: 'ignored: the stored name wins' },
      identityAttributeConfig: {
        enabled: !(v.name === 'beta'),
        attributeTransforms: [
          {
            identityAttributeName: 'email',
            transformDefinition: {
              type: 'accountAttribute',
              attributes: { attributeName: 'mail', sourceName: source.name },
            },
          },
        ],
      },
      identityExceptionReportReference: {
        taskResultId: '2b838de9-db9b-abcf-e646-d4f274ad4238',
        reportName: 'My annual report',
      },
      hasTimeBasedAttr: !(v.name === 'beta'),
    };
    const res = await request(t, v, 'POST', '', { payload });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      ...payload,
      authoritativeSource: { type: 'SOURCE', id: source.id, name: source.name },
    });
    const got = await request(t, v, 'GET', `/${res.json().id}`);
    expect(got.json()).toEqual(res.json());
  });

  it('defaults priority to the current maximum + 10 (lower number = higher priority)', async () => {
    const t = app();
    const first = await newProfile(t);
    const second = await newProfile(t);
    expect(second.priority).toBe(first.priority + 10);
    const explicit = await newProfile(t, V3, { priority: second.priority + 100 });
    const after = await newProfile(t);
    expect(after.priority).toBe(explicit.priority + 10);
    // a higher-priority (lower number) profile does not lower the maximum
    await newProfile(t, V3, { priority: -5 });
    expect((await newProfile(t)).priority).toBe(after.priority + 10);
  });

  it('never overflows the priority when the maximum is near the int32 limit', async () => {
    const t = app();
    const top = await newProfile(t, V3, { priority: 2147483647 });
    try {
      const next = await newProfile(t);
      expect(next.priority).toBe(2147483647);
    } finally {
      // restore the maximum for the other tests of this file
      const res = await request(t, V3, 'PATCH', `/${top.id}`, {
        payload: [{ op: 'replace', path: '/priority', value: 1 }],
        headers: { 'content-type': 'application/json-patch+json' },
      });
      expect(res.statusCode, res.body).toBe(200);
    }
    expect400(
      await request(t, V3, 'POST', '', {
        payload: { name: uniq('big'), authoritativeSource: { id: (await newSource(t)).id }, priority: 2147483648 },
      }),
      /priority/,
    );
  });

  it.each(VERSIONS)('$name: name is required and must not be empty or blank (400)', async (v) => {
    const t = app();
    const source = await newSource(t);
    const authoritativeSource = { type: 'SOURCE', id: source.id };
    expect400(await request(t, v, 'POST', '', { payload: { authoritativeSource } }), /name/);
    expect400(await request(t, v, 'POST', '', { payload: { name: '', authoritativeSource } }), /name/);
    expect400(await request(t, v, 'POST', '', { payload: { name: '   ', authoritativeSource } }), /name/);
    expect400(await request(t, v, 'POST', '', { payload: { name: null, authoritativeSource } }), /name/);
  });

  it.each(VERSIONS)('$name: a name already used, in any case, is refused (400)', async (v) => {
    const t = app();
    const existing = await newProfile(t);
    const source = await newSource(t);
    for (const name of [existing.name, existing.name.toUpperCase(), ` ${existing.name} `]) {
      const res = await request(t, v, 'POST', '', { payload: { name, authoritativeSource: { id: source.id } } });
      expect400(res, /already exists/, new RegExp(existing.name));
    }
  });

  it.each(VERSIONS)('$name: an unknown or missing authoritative source is refused (400)', async (v) => {
    const t = app();
    const missingId = unknownId();
    expect400(
      await request(t, v, 'POST', '', {
        payload: { name: uniq('nosrc'), authoritativeSource: { type: 'SOURCE', id: missingId } },
      }),
      new RegExp(missingId),
    );
    expect400(await request(t, v, 'POST', '', { payload: { name: uniq('nosrc') } }), /authoritativeSource/);
    const source = await newSource(t);
    expect400(
      await request(t, v, 'POST', '', {
        payload: { name: uniq('badtype'), authoritativeSource: { type: 'IDENTITY', id: source.id } },
      }),
      /type/,
    );
  });

  it.each(VERSIONS)('$name: a source already serving a profile cannot serve another (400)', async (v) => {
    const t = app();
    const existing = await newProfile(t);
    const res = await request(t, v, 'POST', '', {
      payload: { name: uniq('second'), authoritativeSource: { id: existing.authoritativeSource.id } },
    });
    expect400(res, /at most one profile/, new RegExp(existing.name));
  });

  it.each(VERSIONS)('$name: a body that is not an object, or has a wrongly typed field, is 400', async (v) => {
    const t = app();
    const source = await newSource(t);
    const authoritativeSource = { id: source.id };
    expect400(await request(t, v, 'POST', '', { payload: '[]', headers: { 'content-type': 'application/json' } }));
    expect400(
      await request(t, v, 'POST', '', { payload: '{"name":', headers: { 'content-type': 'application/json' } }),
      /JSON/,
    );
    expect400(
      await request(t, v, 'POST', '', { payload: { name: uniq('p'), authoritativeSource, priority: 'high' } }),
      /priority/,
    );
    expect400(
      await request(t, v, 'POST', '', { payload: { name: uniq('p'), authoritativeSource, hasTimeBasedAttr: 'yes' } }),
      /hasTimeBasedAttr/,
    );
  });

  it.each(VERSIONS)(
    '$name: identityExceptionReportReference.taskResultId must be a UUID or 32 hex digits (400)',
    async (v) => {
      const t = app();
      const source = await newSource(t);
      const payload = {
        name: uniq('ref'),
        authoritativeSource: { id: source.id },
        identityExceptionReportReference: { taskResultId: 'not-a-uuid', reportName: 'r' },
      };
      expect400(await request(t, v, 'POST', '', { payload }), /taskResultId/);
      const hex = await request(t, v, 'POST', '', {
        payload: {
          ...payload,
          identityExceptionReportReference: { taskResultId: 'ef38f94347e94562b5bb8424a56397d8', reportName: 'r' },
        },
      });
      expect(hex.statusCode, hex.body).toBe(201);
    },
  );

  it('a transform with attributes: null (allowed by beta) is stored as {} and reads back valid in every version', async () => {
    const t = app();
    const source = await newSource(t);
    const res = await request(t, VERSIONS[1], 'POST', '', {
      payload: {
        name: uniq('nullattrs'),
        authoritativeSource: { id: source.id },
        identityAttributeConfig: {
          attributeTransforms: [
            { identityAttributeName: 'guid', transformDefinition: { type: 'uuid', attributes: null } },
          ],
        },
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().identityAttributeConfig.attributeTransforms[0].transformDefinition).toEqual({
      type: 'uuid',
      attributes: {},
    });
    for (const v of VERSIONS) expect((await request(t, v, 'GET', `/${res.json().id}`)).statusCode).toBe(200);
  });

  it.each(VERSIONS)('$name: an unknown id is 404 in ErrorResponseDto shape', async (v) => {
    const t = app();
    const id = unknownId();
    const res = await request(t, v, 'GET', `/${id}`);
    expect404(res);
    expect(res.json().messages[0].text).toContain(id);
  });

  it('concurrent GETs by id (answered by one shared query) each get their own profile, or 404; a GET after a write sees it', async () => {
    const t = app();
    const profiles = await Promise.all(
      [1, 2, 3].map(async () => newProfile(t, V3, { authoritativeSource: { id: (await newSource(t)).id } })),
    );
    const missing = unknownId();
    const ids = [...profiles.map((p) => p.id), missing, profiles[0].id];
    const answers = await Promise.all(ids.map((id) => request(t, V3, 'GET', `/${id}`)));
    expect(answers.map((r) => r.statusCode)).toEqual([200, 200, 200, 404, 200]);
    expect(answers.map((r) => r.json().id ?? null)).toEqual([...profiles.map((p) => p.id), null, profiles[0].id]);
    expect(answers[0].json()).toEqual(profiles[0]);
    const patched = await request(t, V3, 'PATCH', `/${profiles[1].id}`, {
      payload: JSON.stringify([{ op: 'replace', path: '/description', value: 'after' }]),
      headers: { 'content-type': 'application/json-patch+json' },
    });
    expect(patched.statusCode).toBe(200);
    const again = await Promise.all([profiles[1].id, profiles[2].id].map((id) => request(t, V3, 'GET', `/${id}`)));
    expect(again.map((r) => r.json().description)).toEqual(['after', profiles[2].description]);
  });

  it('a GET or PATCH with an id no profile can have (a NUL) is its own 400: the reads it would share a query with still answer', async () => {
    const t = app();
    const [a, b] = [await newProfile(t), await newProfile(t)];
    const patchOf = (id: string) =>
      request(t, V3, 'PATCH', `/${id}`, {
        payload: JSON.stringify([{ op: 'replace', path: '/description', value: `next ${id.length}` }]),
        headers: { 'content-type': 'application/json-patch+json' },
        contractPath: `${V3.base}/x`,
      });
    // one turn of the event loop: these share one lookup by id (db/batched-lookup.ts)
    const answers = await Promise.all([
      request(t, V3, 'GET', `/${a.id}`),
      request(t, V3, 'GET', '/a%00b', { contractPath: `${V3.base}/x` }),
      patchOf(b.id),
      patchOf('c%00d'),
      request(t, V3, 'GET', `/${b.id}`),
    ]);
    expect(answers.map((r) => r.statusCode)).toEqual([200, 400, 200, 400, 200]);
    expect(answers[0].json()).toEqual(a);
    expect(answers[2].json()).toMatchObject({ id: b.id, description: `next ${b.id.length}` });
    expect(answers[4].json().id).toBe(b.id);
    expect400(answers[1], /NUL/);
    expect400(answers[3], /NUL/);
  });

  it('accepts and ignores X-SailPoint-Experimental: true', async () => {
    const t = app();
    for (const v of VERSIONS) {
      const headers = { 'x-sailpoint-experimental': 'true' };
      const created = await request(t, v, 'POST', '', {
        headers,
        payload: { name: uniq('exp'), authoritativeSource: { id: (await newSource(t)).id } },
      });
      expect(created.statusCode, created.body).toBe(201);
      expect((await request(t, v, 'GET', `/${created.json().id}`, { headers })).statusCode).toBe(200);
      expect((await request(t, v, 'GET', '?limit=1', { headers })).statusCode).toBe(200);
    }
  });

  it('serves //v3/... (a double slash) directly, without a redirect', async () => {
    const t = app();
    const profile = await newProfile(t);
    const res = await request(t, V3, 'GET', `/${profile.id}`, { contractPath: `/v3/identity-profiles/${profile.id}` });
    const doubled = await t.app.inject({
      method: 'GET',
      url: `//v3/identity-profiles/${profile.id}`,
      headers: await t.admin(),
    });
    expect(doubled.statusCode).toBe(200);
    expect(doubled.json()).toEqual(res.json());
    const list = await t.app.inject({
      method: 'GET',
      url: `//v3//identity-profiles?filters=id%20eq%20%22${profile.id}%22`,
      headers: await t.admin(),
    });
    expect(list.statusCode).toBe(200);
    expect(list.json().map((p: { id: string }) => p.id)).toEqual([profile.id]);
  });

  it('answers 401 without a token and 403 without the right, in the contract shapes', async () => {
    const t = app();
    const none = await request(t, V3, 'GET', '', { auth: null });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toEqual({ error: expect.any(String) });
    const token = await t.token({ scopes: ['idn:identity-profile:read'], authorities: ['ORG_ADMIN'] });
    const readOnly = { authorization: `Bearer ${token}` };
    expect((await request(t, V3, 'GET', '?limit=1', { auth: readOnly })).statusCode).toBe(200);
    const refused = await request(t, V3, 'POST', '', {
      auth: readOnly,
      payload: { name: uniq('ro'), authoritativeSource: { id: unknownId() } },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().detailCode).toBe('403 Forbidden');
  });
});
