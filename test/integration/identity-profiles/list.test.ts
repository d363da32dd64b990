/**
 * List (GET /identity-profiles): paging, count, the filters and sorters spec §3a allows, and the
 * 400s of decision 2. Each test scopes its rows with `name sw "<its own prefix>"`.
 */
import { expect, it } from 'vitest';
import type { TestApp } from '../../helpers/app.js';
import {
  describeOnDatabases,
  expect400,
  newProfile,
  newSource,
  request,
  uniq,
  V3,
  VERSIONS,
  type Version,
} from './helpers.js';

const q = (s: string) => encodeURIComponent(s);

/** Three profiles named `<prefix>-a|b|C` with priorities 30, 10, 20 and owners Zed, amy, Bob. */
async function threeProfiles(t: TestApp, prefix = uniq('lst')) {
  const specs = [
    { suffix: 'a', priority: 30, owner: { type: 'IDENTITY', id: 'o3', name: 'Zed' } },
    { suffix: 'b', priority: 10, owner: { type: 'IDENTITY', id: 'o1', name: 'amy' } },
    { suffix: 'C', priority: 20, owner: { type: 'IDENTITY', id: 'o2', name: 'Bob' } },
  ];
  const profiles = [];
  for (const s of specs)
    profiles.push(await newProfile(t, V3, { name: `${prefix}-${s.suffix}`, priority: s.priority, owner: s.owner }));
  return { prefix, profiles };
}

async function list(t: TestApp, v: Version, query: string) {
  const res = await request(t, v, 'GET', `?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res;
}
const names = (res: { json(): any }) => res.json().map((p: { name: string }) => p.name);

describeOnDatabases('identity profiles: list', (app) => {
  it.each(VERSIONS)('$name: lists, filtered and counted, as a bare array', async (v) => {
    const t = app();
    const { prefix } = await threeProfiles(t);
    const res = await list(t, v, `filters=${q(`name sw "${prefix}"`)}&count=true`);
    expect(names(res)).toEqual([`${prefix}-b`, `${prefix}-C`, `${prefix}-a`]); // default order: priority
    expect(res.headers['x-total-count']).toBe('3');
  });

  it('lists each profile exactly as GET answers it (the database writes the list JSON); keys the API does not serve are not stored', async () => {
    const t = app();
    const prefix = uniq('json');
    const source = await newSource(t);
    const full = await newProfile(t, V3, {
      name: `${prefix}-full "quoted" \\ ünï`,
      description: 'line\nbreak\ttab "q"',
      priority: -5,
      owner: { type: 'IDENTITY', id: 'o1', name: 'Ann' },
      hasTimeBasedAttr: true,
      authoritativeSource: { id: source.id },
      identityExceptionReportReference: { taskResultId: '0123456789abcdef0123456789abcdef', reportName: 'r', extra: 1 },
      identityAttributeConfig: {
        enabled: true,
        extra: 'x',
        attributeTransforms: [
          {
            identityAttributeName: 'email',
            extra: 1,
            transformDefinition: {
              type: 'static',
              attributes: { value: 'a', n: 1.5, nested: { k: [1, null, true] } },
              id: 'ignored',
            },
          },
          { identityAttributeName: 'uuid', transformDefinition: { type: 'uuid' } },
        ],
      },
    });
    const bare = await newProfile(t, V3, { name: `${prefix}-bare` });
    const res = await list(t, V3, `filters=${q(`name sw "${prefix}"`)}&sorters=name`);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const byGet = await Promise.all([bare, full].map(async (p) => (await request(t, V3, 'GET', `/${p.id}`)).json()));
    expect(res.json()).toEqual(byGet); // sorted by name: bare, full
    expect(byGet).toEqual([bare, full]); // as the create answered them (the response serializer)
    expect(JSON.stringify(byGet[1])).not.toContain('extra');
    expect(byGet[1].identityAttributeConfig.attributeTransforms[1].transformDefinition).toEqual({ type: 'uuid' });
    expect(byGet[0].owner).toBeNull();
    expect(byGet[0].description).toBeNull();
  });

  it('sends X-Total-Count only when count=true, and counts past limit and offset', async () => {
    const t = app();
    const { prefix } = await threeProfiles(t);
    const filter = `filters=${q(`name sw "${prefix}"`)}`;
    expect((await list(t, V3, filter)).headers['x-total-count']).toBeUndefined();
    expect((await list(t, V3, `${filter}&count=false`)).headers['x-total-count']).toBeUndefined();
    const page = await list(t, V3, `${filter}&count=true&limit=1&offset=1`);
    expect(page.headers['x-total-count']).toBe('3');
    expect(names(page)).toEqual([`${prefix}-C`]);
    expect400(await request(t, V3, 'GET', `?${filter}&count=maybe`), /count/);
  });

  it('pages with limit (0..250) and offset', async () => {
    const t = app();
    const { prefix } = await threeProfiles(t);
    const filter = `filters=${q(`name sw "${prefix}"`)}&sorters=name`;
    expect(names(await list(t, V3, `${filter}&limit=2`))).toEqual([`${prefix}-a`, `${prefix}-b`]);
    expect(names(await list(t, V3, `${filter}&limit=2&offset=2`))).toEqual([`${prefix}-C`]);
    expect(names(await list(t, V3, `${filter}&offset=3`))).toEqual([]);
    expect((await list(t, V3, `${filter}&limit=0`)).json()).toEqual([]);
    expect((await list(t, V3, `${filter}&limit=250`)).json()).toHaveLength(3);
    for (const bad of ['251', '-1', 'ten', '1.5'])
      expect400(await request(t, V3, 'GET', `?limit=${bad}`), /limit/, new RegExp(`'${bad.replace('.', '\\.')}'`));
    expect400(await request(t, V3, 'GET', '?offset=-1'), /offset/);
  });

  it('returns at most 250 profiles when no limit is given', async () => {
    const t = app();
    const prefix = uniq('many');
    for (let i = 0; i < 251; i++) await newProfile(t, V3, { name: `${prefix}-${String(i).padStart(3, '0')}` });
    expect((await list(t, V3, `filters=${q(`name sw "${prefix}"`)}`)).json()).toHaveLength(250);
    const counted = await list(t, V3, `filters=${q(`name sw "${prefix}"`)}&count=true&offset=250`);
    expect(counted.json()).toHaveLength(1);
    expect(counted.headers['x-total-count']).toBe('251');
  });

  it('filters id and name with eq ne ge gt in le sw (strings ignore case)', async () => {
    const t = app();
    const { prefix, profiles } = await threeProfiles(t);
    const scope = `name sw "${prefix}"`;
    const ids = profiles.map((p) => p.id).sort();
    const byId = (f: string) =>
      list(t, V3, `filters=${q(`${scope} and ${f}`)}&sorters=id`).then((r) =>
        r.json().map((p: { id: string }) => p.id),
      );
    expect(await byId(`id eq "${ids[1]}"`)).toEqual([ids[1]]);
    expect(await byId(`id ne "${ids[1]}"`)).toEqual([ids[0], ids[2]]);
    expect(await byId(`id ge "${ids[1]}"`)).toEqual([ids[1], ids[2]]);
    expect(await byId(`id gt "${ids[1]}"`)).toEqual([ids[2]]);
    expect(await byId(`id le "${ids[1]}"`)).toEqual([ids[0], ids[1]]);
    expect(await byId(`id in ("${ids[0]}","${ids[2]}")`)).toEqual([ids[0], ids[2]]);
    expect(await byId(`id sw "${ids[1].slice(0, 30)}"`)).toEqual([ids[1]]);

    const byName = (f: string) => list(t, V3, `filters=${q(`${scope} and ${f}`)}&sorters=name`).then(names);
    expect(await byName(`name eq "${prefix.toUpperCase()}-A"`)).toEqual([`${prefix}-a`]);
    expect(await byName(`name ne "${prefix}-a"`)).toEqual([`${prefix}-b`, `${prefix}-C`]);
    expect(await byName(`name ge "${prefix}-b"`)).toEqual([`${prefix}-b`, `${prefix}-C`]);
    expect(await byName(`name gt "${prefix}-b"`)).toEqual([`${prefix}-C`]);
    expect(await byName(`name le "${prefix}-b"`)).toEqual([`${prefix}-a`, `${prefix}-b`]);
    expect(await byName(`name in ("${prefix}-a","${prefix}-c")`)).toEqual([`${prefix}-a`, `${prefix}-C`]);
    expect(await byName(`name sw "${prefix.toUpperCase()}-C"`)).toEqual([`${prefix}-C`]);
  });

  it('filters priority with eq and ne, combined with and/or/not', async () => {
    const t = app();
    const { prefix } = await threeProfiles(t);
    const scope = `name sw "${prefix}"`;
    const byName = (f: string) => list(t, V3, `filters=${q(`${scope} and (${f})`)}&sorters=name`).then(names);
    expect(await byName('priority eq 20')).toEqual([`${prefix}-C`]);
    expect(await byName('priority ne 20')).toEqual([`${prefix}-a`, `${prefix}-b`]);
    expect(await byName('priority eq 10 or priority eq 30')).toEqual([`${prefix}-a`, `${prefix}-b`]);
    expect(await byName('not priority eq 10')).toEqual([`${prefix}-a`, `${prefix}-C`]);
  });

  it('accepts an unquoted literal, as in the beta example `id eq 8c19…`', async () => {
    const t = app();
    const profile = await newProfile(t);
    const res = await list(t, VERSIONS[1], `filters=${q(`id eq ${profile.id}`)}`);
    expect(res.json().map((p: { id: string }) => p.id)).toEqual([profile.id]);
    expect(names(await list(t, V3, `filters=${q(`name eq ${profile.name}`)}`))).toEqual([profile.name]);
  });

  it('reads + as a space in the query string', async () => {
    const t = app();
    const profile = await newProfile(t);
    const res = await list(t, V3, `filters=name+eq+%22${profile.name}%22&sorters=-name,+id`);
    expect(names(res)).toEqual([profile.name]);
  });

  it('sorts by id, name, priority, created, modified, owner.id, owner.name; - for descending', async () => {
    const t = app();
    const { prefix, profiles } = await threeProfiles(t);
    const filter = `filters=${q(`name sw "${prefix}"`)}`;
    const sorted = (s: string) => list(t, V3, `${filter}&sorters=${q(s)}`).then((r) => r.json());
    const [a, b, c] = [`${prefix}-a`, `${prefix}-b`, `${prefix}-C`];
    expect((await sorted('name')).map((p: any) => p.name)).toEqual([a, b, c]);
    expect((await sorted('-name')).map((p: any) => p.name)).toEqual([c, b, a]);
    expect((await sorted('priority')).map((p: any) => p.name)).toEqual([b, c, a]);
    expect((await sorted('-priority')).map((p: any) => p.name)).toEqual([a, c, b]);
    expect((await sorted('owner.id')).map((p: any) => p.name)).toEqual([b, c, a]);
    expect((await sorted('-owner.name')).map((p: any) => p.name)).toEqual([a, c, b]);
    expect((await sorted('id')).map((p: any) => p.id)).toEqual(profiles.map((p) => p.id).sort());
    const byCreated = (await sorted('created,name')).map((p: any) => p.created);
    expect(byCreated).toEqual([...byCreated].sort());
    await request(t, V3, 'PATCH', `/${profiles[0].id}`, {
      payload: [{ op: 'replace', path: '/description', value: 'touched' }],
    });
    const byModified = await sorted('-modified');
    expect(byModified[0].id).toBe(profiles[0].id);
    expect((await sorted('name,-priority')).map((p: any) => p.name)).toEqual([a, b, c]);
  });

  it('refuses unsupported fields, operators and sorters, naming them and where (400)', async () => {
    const t = app();
    const bad = (filters: string) => request(t, V3, 'GET', `?filters=${q(filters)}`);
    expect400(
      await bad('description eq "x"'),
      /filter/,
      /'description'/,
      /position 0/,
      /supported: id, name, priority/,
    );
    expect400(await bad('name eq "a" and owner.id eq "x"'), /'owner\.id'/, /position 16/);
    expect400(await bad('priority gt 5'), /'gt'/, /'priority'/, /position 9/, /eq, ne/);
    expect400(await bad('name co "x"'), /'co'/, /'name'/);
    expect400(await bad('id lt "x"'), /'lt'/, /'id'/);
    expect400(await bad('priority eq "high"'), /priority/, /high/);
    const sorter = await request(t, V3, 'GET', '?sorters=name,-description');
    expect400(sorter, /sorter/, /'description'/, /position 6/, /owner\.name/);
  });

  it('refuses filter syntax errors with their position (400)', async () => {
    const t = app();
    const bad = (filters: string) => request(t, V3, 'GET', `?filters=${q(filters)}`);
    expect400(await bad('name EQ "x"'), /filter/, /position 5/, /EQ/);
    expect400(await bad('name eq'), /position 7/);
    expect400(await bad('name eq "unterminated'), /position 8/, /unterminated/);
    expect400(await bad('(name eq "x"'), /position 12/);
    expect400(await bad('name eq "x" name'), /position 12/);
  });

  it.each(VERSIONS)('$name: every 400 of the list is an ErrorResponseDto', async (v) => {
    const t = app();
    for (const query of ['limit=300', 'filters=foo%20eq%201', 'sorters=bogus', 'filters=name%20eq']) {
      const res = await request(t, v, 'GET', `?${query}`);
      expect(res.statusCode).toBe(400);
    }
  });
});
