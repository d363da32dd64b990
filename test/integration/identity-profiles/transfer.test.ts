/**
 * Export (sp-config objects, its own filters and sorters) and import (decision 12): a round trip
 * into a fresh database, matching by name, the authoritative source resolved by id then by name,
 * per-object errors, `?dryRun=true`, and the ObjectImportResult shape in every version.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import {
  describeOnDatabases,
  expect400,
  newProfile,
  newSource,
  request,
  uniq,
  unknownId,
  V3,
  VERSIONS,
  type Version,
} from './helpers.js';

const q = (s: string) => encodeURIComponent(s);

async function exportWhere(t: TestApp, v: Version, filter: string, extra = '') {
  const res = await request(t, v, 'GET', `/export?filters=${q(filter)}${extra}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

async function importItems(t: TestApp, v: Version, items: unknown, query = '') {
  const res = await request(t, v, 'POST', `/import${query}`, { payload: items as object });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/** A profile with a description, an owner and an accountAttribute mapping on its own source. */
async function richProfile(t: TestApp, v: Version, name = uniq('exp')) {
  const source = await newSource(t);
  const profile = await newProfile(t, v, {
    name,
    description: 'exported',
    owner: { type: 'IDENTITY', id: 'owner-1', name: 'Ann' },
    authoritativeSource: { id: source.id },
    identityAttributeConfig: {
      enabled: true,
      attributeTransforms: [
        {
          identityAttributeName: 'email',
          transformDefinition: {
            type: 'accountAttribute',
            attributes: { attributeName: 'mail', sourceName: source.name, sourceId: source.id },
          },
        },
      ],
    },
  });
  return { source, profile };
}

/** What must survive a move between tenants (ids and timestamps are the target's own). */
const portable = (p: any) => ({
  name: p.name,
  description: p.description,
  owner: p.owner,
  priority: p.priority,
  hasTimeBasedAttr: p.hasTimeBasedAttr,
  sourceName: p.authoritativeSource.name,
  identityExceptionReportReference: p.identityExceptionReportReference,
  enabled: p.identityAttributeConfig.enabled,
  mappings: p.identityAttributeConfig.attributeTransforms.map((m: any) => [
    m.identityAttributeName,
    m.transformDefinition.type,
    m.transformDefinition.attributes.attributeName,
  ]),
});

describeOnDatabases('identity profiles: export and import', (app, kind) => {
  let target: TestApp;
  beforeAll(async () => {
    target = await startTestApp(kind);
  });
  afterAll(async () => {
    await target?.close();
  });

  it.each(VERSIONS)('$name: exports sp-config objects {version: 1, self, object}', async (v) => {
    const t = app();
    const { profile } = await richProfile(t, v);
    const exported = await exportWhere(t, v, `name eq "${profile.name}"`);
    expect(exported).toEqual([
      { version: 1, self: { type: 'IDENTITY_PROFILE', id: profile.id, name: profile.name }, object: profile },
    ]);
  });

  it('export filters id, name, priority with eq and ne, sorts by id, name, priority, and pages', async () => {
    const t = app();
    const prefix = uniq('xf');
    const a = await newProfile(t, V3, { name: `${prefix}-a`, priority: 5 });
    const b = await newProfile(t, V3, { name: `${prefix}-b`, priority: 6 });
    const names = (items: any[]) => items.map((i) => i.self.name);
    const pair = `(name eq "${a.name}" or name eq "${b.name}")`;
    expect(names(await exportWhere(t, V3, `id eq "${b.id}"`))).toEqual([b.name]);
    expect(names(await exportWhere(t, V3, `${pair} and id ne "${b.id}"`))).toEqual([a.name]);
    expect(names(await exportWhere(t, V3, `${pair} and name ne "${a.name}"`))).toEqual([b.name]);
    expect(names(await exportWhere(t, V3, `${pair} and priority eq 6`))).toEqual([b.name]);
    expect(names(await exportWhere(t, V3, `${pair} and priority ne 6`))).toEqual([a.name]);
    expect(names(await exportWhere(t, V3, pair, '&sorters=-priority'))).toEqual([b.name, a.name]);
    expect(names(await exportWhere(t, V3, pair, '&sorters=-name'))).toEqual([b.name, a.name]);
    expect(names(await exportWhere(t, V3, pair, '&sorters=id'))).toEqual(
      [a, b].sort((x, y) => (x.id < y.id ? -1 : 1)).map((p) => p.name),
    );
    expect(names(await exportWhere(t, V3, pair, '&sorters=name&limit=1&offset=1'))).toEqual([b.name]);
  });

  it.each(VERSIONS)('$name: export refuses what only the list allows (400)', async (v) => {
    const t = app();
    expect400(await request(t, v, 'GET', `/export?filters=${q('name sw "x"')}`), /'sw'/, /'name'/);
    expect400(await request(t, v, 'GET', `/export?filters=${q('id in ("a")')}`), /'in'/);
    expect400(await request(t, v, 'GET', '/export?sorters=created'), /'created'/);
    expect400(await request(t, v, 'GET', '/export?sorters=owner.name'), /'owner\.name'/);
    expect400(await request(t, v, 'GET', '/export?limit=251'), /limit/);
  });

  it.each(VERSIONS)('$name: round trip into a fresh database creates, then updates, matching by name', async (v) => {
    const t = app();
    const { source, profile } = await richProfile(t, v);
    const exported = await exportWhere(t, v, `id eq "${profile.id}"`);
    const targetSource = await newSource(target, source.name); // same name, another id

    const created = await importItems(target, v, exported);
    expect(created.errors).toEqual([]);
    expect(created.importedObjects).toEqual([{ type: 'IDENTITY_PROFILE', id: expect.any(String), name: profile.name }]);
    const newId = created.importedObjects[0].id;
    expect(newId).not.toBe(profile.id);
    const copy = (await request(target, v, 'GET', `/${newId}`)).json();
    expect(copy.authoritativeSource).toEqual({ type: 'SOURCE', id: targetSource.id, name: source.name });
    expect(portable(copy)).toEqual(portable(profile));

    const changed = structuredClone(exported);
    changed[0].object.description = 'changed at the origin';
    changed[0].object.name = profile.name.toUpperCase();
    const updated = await importItems(target, v, changed);
    expect(updated.errors).toEqual([]);
    expect(updated.importedObjects).toEqual([
      { type: 'IDENTITY_PROFILE', id: newId, name: profile.name.toUpperCase() },
    ]);
    expect((await request(target, v, 'GET', `/${newId}`)).json()).toMatchObject({
      id: newId,
      description: 'changed at the origin',
    });
  });

  it('resolves the authoritative source by id before its name', async () => {
    const t = app();
    const source = await newSource(t);
    const decoy = await newSource(t);
    const name = uniq('byid');
    const result = await importItems(t, V3, [
      {
        version: 1,
        self: { type: 'IDENTITY_PROFILE', id: 'x', name },
        object: { name, authoritativeSource: { type: 'SOURCE', id: source.id, name: decoy.name } },
      },
    ]);
    expect(result.errors).toEqual([]);
    const got = (await request(t, V3, 'GET', `/${result.importedObjects[0].id}`)).json();
    expect(got.authoritativeSource).toEqual({ type: 'SOURCE', id: source.id, name: source.name });
  });

  it.each(VERSIONS)('$name: an unresolvable source is an error for that object; the others still import', async (v) => {
    const t = app();
    const good = uniq('good');
    const bad = uniq('bad');
    const source = await newSource(t);
    const result = await importItems(t, v, [
      {
        version: 1,
        self: { type: 'IDENTITY_PROFILE', id: 'a', name: bad },
        object: { name: bad, authoritativeSource: { type: 'SOURCE', id: unknownId(), name: uniq('nowhere') } },
      },
      {
        version: 1,
        self: { type: 'IDENTITY_PROFILE', id: 'b', name: good },
        object: { name: good, authoritativeSource: { type: 'SOURCE', id: unknownId(), name: source.name } },
      },
    ]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0].text).toContain(bad);
    expect(result.importedObjects.map((o: any) => o.name)).toEqual([good]);
    expect(await exportWhere(t, v, `name eq "${bad}"`)).toEqual([]);
    expect(await exportWhere(t, v, `name eq "${good}"`)).toHaveLength(1);
  });

  it.each(VERSIONS)('$name: ?dryRun=true reports what would happen and writes nothing', async (v) => {
    const t = app();
    const { profile } = await richProfile(t, v);
    const exported = await exportWhere(t, v, `id eq "${profile.id}"`);
    await newSource(target, profile.authoritativeSource.name);
    const fresh = uniq('dry');
    const items = [
      ...exported,
      { ...exported[0], self: { ...exported[0].self, name: fresh }, object: { ...exported[0].object, name: fresh } },
    ];
    const before = (await request(target, v, 'GET', '?count=true&limit=0')).headers['x-total-count'];
    const result = await importItems(target, v, items, '?dryRun=true');
    expect(result.errors).toEqual([expect.objectContaining({ text: expect.stringContaining('at most one profile') })]);
    expect(result.importedObjects.map((o: any) => o.name)).toEqual([profile.name]);
    expect(result.infos.map((i: any) => i.text).join(' ')).toMatch(/[Dd]ry run/);
    expect((await request(target, v, 'GET', '?count=true&limit=0')).headers['x-total-count']).toBe(before);
    expect(await exportWhere(target, v, `name eq "${profile.name}"`)).toEqual([]);
  });

  it('a mapping whose source resolves neither by id nor by name is an error naming the mapping', async () => {
    const t = app();
    const source = await newSource(t);
    const name = uniq('lostmap');
    const lost = uniq('lost-source');
    const result = await importItems(t, V3, [
      {
        version: 1,
        self: { type: 'IDENTITY_PROFILE', id: 'x', name },
        object: {
          name,
          authoritativeSource: { id: source.id },
          identityAttributeConfig: {
            enabled: true,
            attributeTransforms: [
              {
                identityAttributeName: 'email',
                transformDefinition: {
                  type: 'accountAttribute',
                  attributes: { attributeName: 'mail', sourceName: lost, sourceId: unknownId() },
                },
              },
            ],
          },
        },
      },
    ]);
    expect(result.importedObjects).toEqual([]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0].text).toMatch(/attributeTransforms\[0\] \(email\)/);
    expect(result.errors[0].details.object).toMatchObject({ index: 0, name });
  });

  it('reports objects of another type, or that are not identity profiles, as errors', async () => {
    const t = app();
    const result = await importItems(t, V3, [
      { version: 1, self: { type: 'SOURCE', id: 'x', name: 'a source' }, object: { name: 'a source' } },
      { version: 1, self: { type: 'IDENTITY_PROFILE', id: 'y', name: 'no source' }, object: { name: uniq('nosrc') } },
      {
        version: 1,
        self: { type: 'IDENTITY_PROFILE', id: 'z', name: 'no name' },
        object: { authoritativeSource: { id: 'q' } },
      },
    ]);
    expect(result.errors).toHaveLength(3);
    expect(result.importedObjects).toEqual([]);
  });

  it.each(VERSIONS)('$name: refuses an import body that is not an array of objects (400)', async (v) => {
    const t = app();
    expect400(await request(t, v, 'POST', '/import', { payload: { version: 1 } }));
    expect400(
      await request(t, v, 'POST', '/import', {
        payload: JSON.stringify([1]),
        headers: { 'content-type': 'application/json' },
      }),
    );
  });

  it.each(VERSIONS)('$name: an empty import is an empty ObjectImportResult', async (v) => {
    const t = app();
    expect(await importItems(t, v, [])).toEqual({ infos: [], warnings: [], errors: [], importedObjects: [] });
  });
});
