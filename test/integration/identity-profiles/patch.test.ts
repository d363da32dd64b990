/**
 * PATCH (RFC 6902) in every version: the six operations (move/copy with `from`), both content
 * types, the refused paths (spec §8), re-validation of the whole result, and decision 9
 * (mappings or source changed → identityRefreshRequired).
 */
import { expect, it, vi } from 'vitest';
import type { TestApp } from '../../helpers/app.js';
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
  type Version,
} from './helpers.js';

const JSON_PATCH = { 'content-type': 'application/json-patch+json' };

function patch(t: TestApp, v: Version, id: string, ops: unknown, contentType = JSON_PATCH['content-type']) {
  return request(t, v, 'PATCH', `/${id}`, { payload: JSON.stringify(ops), headers: { 'content-type': contentType } });
}

const mapping = (identityAttributeName: string, attributeName: string, source: { id: string; name: string }) => ({
  identityAttributeName,
  transformDefinition: {
    type: 'accountAttribute',
    attributes: { attributeName, sourceName: source.name, sourceId: source.id },
  },
});

/** A profile with two mappings (email, uid) on its own source. */
async function mappedProfile(t: TestApp, v: Version = V3) {
  const source = await newSource(t);
  const profile = await newProfile(t, v, {
    authoritativeSource: { id: source.id },
    description: 'before',
    owner: { type: 'IDENTITY', id: 'owner-1', name: 'Ann' },
    identityAttributeConfig: {
      enabled: true,
      attributeTransforms: [mapping('email', 'mail', source), mapping('uid', 'login', source)],
    },
  });
  return { source, profile };
}

describeOnDatabases('identity profiles: PATCH', (app) => {
  it.each(VERSIONS)('$name: add, remove, replace, copy and test (application/json-patch+json)', async (v) => {
    const t = app();
    const { profile } = await mappedProfile(t, v);
    const newName = uniq('renamed');
    const res = await patch(t, v, profile.id, [
      { op: 'test', path: '/name', value: profile.name },
      { op: 'replace', path: '/name', value: newName },
      { op: 'replace', path: '/priority', value: 3 },
      { op: 'remove', path: '/owner' },
      { op: 'copy', from: '/name', path: '/description' },
      { op: 'add', path: '/hasTimeBasedAttr', value: true },
    ]);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      id: profile.id,
      name: newName,
      priority: 3,
      owner: null,
      description: newName,
      hasTimeBasedAttr: true,
    });
    expect(body.identityRefreshRequired).toBe(false); // neither mappings nor source changed
    expect(body.created).toBe(profile.created);
    expect(Date.parse(body.modified)).toBeGreaterThanOrEqual(Date.parse(profile.modified));
    expect((await request(t, v, 'GET', `/${profile.id}`)).json()).toEqual(body);
  });

  it.each(VERSIONS)('$name: move (with from) reorders mappings and marks the profile for refresh', async (v) => {
    const t = app();
    const { profile } = await mappedProfile(t, v);
    const res = await patch(t, v, profile.id, [
      {
        op: 'move',
        from: '/identityAttributeConfig/attributeTransforms/1',
        path: '/identityAttributeConfig/attributeTransforms/0',
      },
    ]);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().identityAttributeConfig.attributeTransforms.map((m: any) => m.identityAttributeName)).toEqual([
      'uid',
      'email',
    ]);
    expect(res.json().identityRefreshRequired).toBe(true);
  });

  it('accepts application/json as well as application/json-patch+json', async () => {
    const t = app();
    const { profile } = await mappedProfile(t);
    const res = await patch(
      t,
      V3,
      profile.id,
      [{ op: 'replace', path: '/description', value: 'plain json' }],
      'application/json',
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().description).toBe('plain json');
    const charset = await patch(
      t,
      V3,
      profile.id,
      [{ op: 'remove', path: '/description' }],
      'application/json-patch+json; charset=utf-8',
    );
    expect(charset.statusCode, charset.body).toBe(200);
    expect(charset.json().description).toBeNull();
  });

  it.each(VERSIONS)('$name: adding a mapping (the spec example) sets identityRefreshRequired', async (v) => {
    const t = app();
    const { source, profile } = await mappedProfile(t, v);
    const res = await patch(t, v, profile.id, [
      {
        op: 'add',
        path: '/identityAttributeConfig/attributeTransforms/0',
        value: mapping('firstname', 'givenName', source),
      },
    ]);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().identityAttributeConfig.attributeTransforms).toHaveLength(3);
    expect(res.json().identityRefreshRequired).toBe(true);
  });

  it('changing the authoritative source resolves it and sets identityRefreshRequired', async () => {
    const t = app();
    const { profile } = await mappedProfile(t);
    const other = await newSource(t);
    const res = await patch(t, V3, profile.id, [
      { op: 'replace', path: '/authoritativeSource', value: { type: 'SOURCE', id: other.id } },
    ]);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().authoritativeSource).toEqual({ type: 'SOURCE', id: other.id, name: other.name });
    expect(res.json().identityRefreshRequired).toBe(true);
    const missing = unknownId();
    expect400(
      await patch(t, V3, profile.id, [{ op: 'replace', path: '/authoritativeSource/id', value: missing }]),
      new RegExp(missing),
    );
    const taken = await newProfile(t);
    expect400(
      await patch(t, V3, profile.id, [
        { op: 'replace', path: '/authoritativeSource/id', value: taken.authoritativeSource.id },
      ]),
      /at most one profile/,
    );
  });

  it.each(['id', 'created', 'modified', 'identityCount', 'identityRefreshRequired'])(
    'refuses to change /%s (400)',
    async (field) => {
      const t = app();
      const { profile } = await mappedProfile(t);
      for (const v of VERSIONS) {
        expect400(
          await patch(t, v, profile.id, [{ op: 'replace', path: `/${field}`, value: profile[field] }]),
          new RegExp(`'${field}'`),
        );
      }
      expect400(await patch(t, V3, profile.id, [{ op: 'remove', path: `/${field}` }]), new RegExp(`'${field}'`));
      expect400(
        await patch(t, V3, profile.id, [{ op: 'move', from: `/${field}`, path: '/description' }]),
        new RegExp(`'${field}'`),
      );
      expect((await request(t, V3, 'GET', `/${profile.id}`)).json()).toEqual(profile);
    },
  );

  it.each(VERSIONS)(
    '$name: a whole-document replace may not change a read-only field (400), and may keep them',
    async (v) => {
      const t = app();
      const { profile } = await mappedProfile(t, v);
      const whole = (value: object) => patch(t, v, profile.id, [{ op: 'replace', path: '', value }]);
      // the first PATCH reads the profile; the later ones start from the version this process wrote (the fast path)
      const kept = await whole({ ...profile, description: 'whole', created: profile.created.replace('.000Z', 'Z') });
      expect(kept.statusCode, kept.body).toBe(200);
      const stored = kept.json();
      expect(stored).toMatchObject({ id: profile.id, created: profile.created, description: 'whole' });
      const omitted = await whole({
        name: profile.name,
        authoritativeSource: profile.authoritativeSource,
        description: 'no read-only fields sent',
      });
      expect(omitted.statusCode, omitted.body).toBe(200);
      expect(omitted.json()).toMatchObject({
        id: profile.id,
        created: profile.created,
        identityCount: 0,
        description: 'no read-only fields sent',
      });
      const now = omitted.json();
      const changes: Array<[string, unknown]> = [
        ['id', unknownId()],
        ['created', '2020-01-01T00:00:00.000Z'],
        ['modified', '2020-01-01T00:00:00.000Z'],
        ['identityCount', 99],
        ['identityRefreshRequired', !now.identityRefreshRequired],
      ];
      for (const [field, value] of changes) {
        expect400(
          await whole({ ...now, [field]: value, description: 'must not be written' }),
          new RegExp(`'${field}'.*cannot be modified`),
        );
      }
      const all = await whole({ ...now, id: unknownId(), created: '2020-01-01T00:00:00.000Z', identityCount: 99 });
      expect400(all, /'id', 'created', 'identityCount'/);
      expect((await request(t, v, 'GET', `/${profile.id}`)).json()).toEqual(now);
    },
  );

  it('a whole-document replace may not change the source and the mappings together (400), but either alone', async () => {
    const t = app();
    const { profile } = await mappedProfile(t);
    const other = await newSource(t);
    const whole = (value: object) => patch(t, V3, profile.id, [{ op: 'replace', path: '', value }]);
    const unmapped = { ...profile.identityAttributeConfig, attributeTransforms: [] };
    expect400(
      await whole({ ...profile, authoritativeSource: { id: other.id }, identityAttributeConfig: unmapped }),
      /authoritative source/,
      /identity attribute config/,
    );
    expect((await request(t, V3, 'GET', `/${profile.id}`)).json()).toEqual(profile);
    const moved = await whole({ ...profile, authoritativeSource: { id: other.id } });
    expect(moved.statusCode, moved.body).toBe(200);
    const remapped = await whole({ ...moved.json(), identityAttributeConfig: unmapped });
    expect(remapped.statusCode, remapped.body).toBe(200);
    expect(remapped.json()).toMatchObject({ authoritativeSource: { id: other.id }, identityAttributeConfig: unmapped });
  });

  it('allows a test of a read-only field (optimistic concurrency on /modified)', async () => {
    const t = app();
    const { profile } = await mappedProfile(t);
    const ok = await patch(t, V3, profile.id, [
      { op: 'test', path: '/modified', value: profile.modified },
      { op: 'replace', path: '/description', value: 'guarded' },
    ]);
    expect(ok.statusCode, ok.body).toBe(200);
    const stale = await patch(t, V3, profile.id, [
      { op: 'test', path: '/modified', value: profile.modified },
      { op: 'replace', path: '/description', value: 'lost update' },
    ]);
    expect400(stale, /test/i);
    expect((await request(t, V3, 'GET', `/${profile.id}`)).json().description).toBe('guarded');
  });

  it.each(VERSIONS)('$name: refuses the source and the mappings in one request (400)', async (v) => {
    const t = app();
    const { profile } = await mappedProfile(t, v);
    const other = await newSource(t);
    const res = await patch(t, v, profile.id, [
      { op: 'replace', path: '/authoritativeSource/id', value: other.id },
      { op: 'replace', path: '/identityAttributeConfig/enabled', value: false },
    ]);
    expect400(res, /authoritative source/, /identity attribute config/);
    expect((await request(t, v, 'GET', `/${profile.id}`)).json()).toEqual(profile);
  });

  it.each(VERSIONS)('$name: re-validates the whole result (400)', async (v) => {
    const t = app();
    const { profile } = await mappedProfile(t, v);
    expect400(await patch(t, v, profile.id, [{ op: 'remove', path: '/name' }]), /name/);
    expect400(await patch(t, v, profile.id, [{ op: 'replace', path: '/name', value: '  ' }]), /name/);
    expect400(await patch(t, v, profile.id, [{ op: 'replace', path: '/priority', value: 'high' }]), /priority/);
    expect400(await patch(t, v, profile.id, [{ op: 'remove', path: '/authoritativeSource' }]), /authoritativeSource/);
    expect400(
      await patch(t, v, profile.id, [
        { op: 'replace', path: '/identityAttributeConfig/attributeTransforms/0/transformDefinition', value: 'x' },
      ]),
      /attributeTransforms/,
    );
    expect((await request(t, v, 'GET', `/${profile.id}`)).json()).toEqual(profile);
  });

  it('refuses a failing test, an unresolvable path and malformed operations (400)', async () => {
    const t = app();
    const { profile } = await mappedProfile(t);
    expect400(
      await patch(t, V3, profile.id, [{ op: 'test', path: '/priority', value: profile.priority + 1 }]),
      /Operation 0/,
      /test/i,
    );
    expect400(await patch(t, V3, profile.id, [{ op: 'replace', path: '/owner/nope/deeper', value: 1 }]), /Operation 0/);
    expect400(await patch(t, V3, profile.id, [{ op: 'copy', path: '/description' }]), /from/);
    expect400(await patch(t, V3, profile.id, [{ op: 'move', from: '/nothing', path: '/description' }]), /Operation 0/);
    expect400(await patch(t, V3, profile.id, [{ op: 'add', path: '/description' }]), /value/);
    expect400(await patch(t, V3, profile.id, [{ op: 'frobnicate', path: '/description' }]));
    expect400(await patch(t, V3, profile.id, { op: 'replace', path: '/description', value: 'not an array' }));
    expect((await request(t, V3, 'GET', `/${profile.id}`)).json()).toEqual(profile);
  });

  it.each(VERSIONS)('$name: renames, and refuses a name another profile has in any case (400)', async (v) => {
    const t = app();
    const { profile } = await mappedProfile(t, v);
    const other = await newProfile(t);
    expect400(
      await patch(t, v, profile.id, [{ op: 'replace', path: '/name', value: other.name.toUpperCase() }]),
      /already exists/,
    );
    const recased = await patch(t, v, profile.id, [
      { op: 'replace', path: '/name', value: profile.name.toUpperCase() },
    ]);
    expect(recased.statusCode, recased.body).toBe(200);
    expect(recased.json().name).toBe(profile.name.toUpperCase());
  });

  it('refuses a mapping to an unknown source, naming the mapping (400)', async () => {
    const t = app();
    const { profile } = await mappedProfile(t);
    const missing = unknownId();
    const res = await patch(t, V3, profile.id, [
      {
        op: 'replace',
        path: '/identityAttributeConfig/attributeTransforms/1/transformDefinition/attributes/sourceId',
        value: missing,
      },
    ]);
    expect400(res, /attributeTransforms\[1\] \(uid\)/, new RegExp(missing));
  });

  it.each(VERSIONS)('$name: an unknown id is 404', async (v) => {
    const t = app();
    expect404(await patch(t, v, unknownId(), [{ op: 'replace', path: '/description', value: 'x' }]));
  });

  it('an empty patch changes nothing', async () => {
    const t = app();
    const { profile } = await mappedProfile(t);
    const res = await patch(t, V3, profile.id, []);
    expect(res.statusCode, res.body).toBe(200);
    expect({ ...res.json(), modified: profile.modified }).toEqual(profile);
  });
  it('concurrent PATCHes of one profile lose no update, and each leaves one audit entry', async () => {
    const t = app();
    const { source, profile } = await mappedProfile(t);
    const names = Array.from({ length: 8 }, (_, i) => `attr${i}`);
    const answers = await Promise.all(
      names.map((n) =>
        patch(t, V3, profile.id, [
          { op: 'add', path: '/identityAttributeConfig/attributeTransforms/-', value: mapping(n, n, source) },
          { op: 'replace', path: '/description', value: n },
        ]),
      ),
    );
    expect(answers.map((r) => r.statusCode)).toEqual(names.map(() => 200));
    const stored = (await patch(t, V3, profile.id, [])).json();
    const mapped = stored.identityAttributeConfig.attributeTransforms.map((m: any) => m.identityAttributeName);
    expect(mapped.slice(0, 2)).toEqual(['email', 'uid']);
    expect([...mapped.slice(2)].sort()).toEqual(names);
    expect(names).toContain(stored.description);
    const audit = await t.services.database.db
      .selectFrom('auditLog')
      .select(['action'])
      .where('entityId', '=', profile.id)
      .execute();
    expect(audit.filter((a) => a.action === 'update')).toHaveLength(names.length);
  });

  it('concurrent PATCHes that leave the mappings as they are lose none of those that change them', async () => {
    const t = app();
    const { source, profile } = await mappedProfile(t);
    const names = Array.from({ length: 6 }, (_, i) => `attr${i}`);
    const answers = await Promise.all(
      names.flatMap((n) => [
        patch(t, V3, profile.id, [
          { op: 'add', path: '/identityAttributeConfig/attributeTransforms/-', value: mapping(n, n, source) },
        ]),
        patch(t, V3, profile.id, [{ op: 'replace', path: '/description', value: n }]),
      ]),
    );
    expect(answers.map((r) => r.statusCode)).toEqual(answers.map(() => 200));
    const stored = (await request(t, V3, 'GET', `/${profile.id}`)).json();
    const mapped = stored.identityAttributeConfig.attributeTransforms.map((m: any) => m.identityAttributeName);
    expect([...mapped.slice(2)].sort()).toEqual(names);
    expect(stored.identityRefreshRequired).toBe(true);
    expect(names).toContain(stored.description);
    // the columns say what the stored JSON says
    const fromColumns = await t.services.ctx.repos.profiles.findById(profile.id);
    expect(fromColumns).toEqual(stored);
  });

  it('concurrent PATCHes of different profiles are written together; one breaking a constraint fails alone (400)', async () => {
    const t = app();
    const [a, b, c] = [
      (await mappedProfile(t)).profile,
      (await mappedProfile(t)).profile,
      (await mappedProfile(t)).profile,
    ];
    const name = uniq('same-new-name');
    const answers = await Promise.all([
      patch(t, V3, a.id, [{ op: 'replace', path: '/name', value: name }]),
      patch(t, V3, b.id, [{ op: 'replace', path: '/name', value: name }]),
      patch(t, V3, c.id, [{ op: 'replace', path: '/description', value: 'c changed' }]),
    ]);
    expect(answers[2].statusCode).toBe(200);
    expect(
      answers
        .slice(0, 2)
        .map((r) => r.statusCode)
        .sort(),
    ).toEqual([200, 400]);
    expect400(answers.find((r) => r.statusCode === 400)!, /name/i);
    const winner = answers[0].statusCode === 200 ? a : b;
    const stored = await Promise.all([a, b, c].map(async (p) => (await request(t, V3, 'GET', `/${p.id}`)).json()));
    expect(stored.map((p) => p.name)).toEqual([a, b, c].map((p) => (p === winner ? name : p.name)));
    expect(stored[2].description).toBe('c changed');
    const audit = await t.services.database.db
      .selectFrom('auditLog')
      .select('entityId')
      .where('entityId', 'in', [a.id, b.id, c.id])
      .where('action', '=', 'update')
      .execute();
    expect(audit.map((e) => e.entityId).sort()).toEqual([winner.id, c.id].sort());
  });

  it('a failed test operation writes nothing, even when retried after a concurrent write', async () => {
    const t = app();
    const { profile } = await mappedProfile(t);
    const [guarded, other] = await Promise.all([
      patch(t, V3, profile.id, [
        { op: 'test', path: '/description', value: 'before' },
        { op: 'replace', path: '/description', value: 'guarded' },
      ]),
      patch(t, V3, profile.id, [{ op: 'replace', path: '/description', value: 'other' }]),
    ]);
    expect(other.statusCode).toBe(200);
    const final = (await patch(t, V3, profile.id, [])).json().description;
    // either the guarded PATCH came first (and the other overwrote it), or it saw 'other' and failed its test
    if (guarded.statusCode === 200) expect(final).toBe('other');
    else expect400(guarded, /test/i);
    expect(final).toBe('other');
  });

  /** A write of the profile by another process (as another API node would): through a transaction, which this process's repository does not see. */
  async function writtenElsewhere(t: TestApp, id: string, change: { name?: string; description?: string }) {
    await t.services.ctx.withTransaction(async (repos) => {
      const current = (await repos.profiles.findById(id, { forUpdate: true }))!;
      await repos.profiles.update({
        ...current,
        ...change,
        modified: new Date(Date.parse(current.modified) + 1000).toISOString(),
      });
    });
    return (await request(t, V3, 'GET', `/${id}`)).json();
  }

  it('a PATCH of a profile this process last wrote does not read it first, and loses no write made elsewhere in between', async () => {
    const t = app();
    const { profile } = await mappedProfile(t);
    expect((await patch(t, V3, profile.id, [{ op: 'replace', path: '/description', value: 'one' }])).statusCode).toBe(
      200,
    );
    const reads = vi.spyOn(t.services.ctx.repos.profiles, 'findVersioned');
    try {
      const two = await patch(t, V3, profile.id, [{ op: 'replace', path: '/description', value: 'two' }]);
      expect(two.statusCode, two.body).toBe(200);
      expect(two.json().description).toBe('two');
      expect(reads).not.toHaveBeenCalled();
      const renamed = uniq('renamed elsewhere');
      await writtenElsewhere(t, profile.id, { name: renamed });
      const three = await patch(t, V3, profile.id, [{ op: 'replace', path: '/description', value: 'three' }]);
      expect(three.statusCode, three.body).toBe(200);
      expect(three.json()).toMatchObject({ name: renamed, description: 'three' });
      expect(reads).toHaveBeenCalledTimes(1); // the known version was refused: read, then written
      expect((await request(t, V3, 'GET', `/${profile.id}`)).body).toBe(three.body);
    } finally {
      reads.mockRestore();
    }
  });

  it('a test operation and a patch that changes nothing are judged on the stored profile, not on a version this process knew', async () => {
    const t = app();
    const { profile } = await mappedProfile(t);
    const audited = async () =>
      (await t.services.database.db.selectFrom('auditLog').select('id').where('entityId', '=', profile.id).execute())
        .length;
    const described = (value: string) => [{ op: 'replace', path: '/description', value }];
    expect((await patch(t, V3, profile.id, described('known here'))).statusCode).toBe(200);
    // each step starts from a version this process knows (its last read or write) that is no longer the stored one
    await writtenElsewhere(t, profile.id, { description: 'stored' });
    const guarded = await patch(t, V3, profile.id, [
      { op: 'test', path: '/description', value: 'stored' },
      ...described('guarded'),
    ]);
    expect(guarded.statusCode, guarded.body).toBe(200); // fails on the known version, passes on the stored one
    expect(guarded.json().description).toBe('guarded');

    await writtenElsewhere(t, profile.id, { description: 'stored again' });
    let before = await audited();
    const back = await patch(t, V3, profile.id, described('guarded')); // no change on the known version, one on the stored one
    expect(back.statusCode, back.body).toBe(200);
    expect((await request(t, V3, 'GET', `/${profile.id}`)).body).toBe(back.body);
    expect(back.json().description).toBe('guarded');
    expect(await audited()).toBe(before + 1);

    await writtenElsewhere(t, profile.id, { description: 'third' });
    expect400(
      await patch(t, V3, profile.id, [{ op: 'test', path: '/description', value: 'guarded' }, ...described('x')]),
      /test/i,
    );

    const stored = await writtenElsewhere(t, profile.id, { description: 'fourth' });
    before = await audited();
    const same = await patch(t, V3, profile.id, described('fourth')); // a change on the known version, none on the stored one
    expect(same.statusCode, same.body).toBe(200);
    expect(same.json()).toEqual(stored);
    expect(await audited()).toBe(before);
  });
});
