/**
 * GET by id and the list hand over each profile's stored API JSON (db/repositories/identity-profile-json.ts):
 * after every kind of write the text must be what the response serializer writes — byte for byte
 * the write's own answer where the write answers with the profile (create, PATCH), and always the
 * serializer's output for the row as its columns say (values) and for its own value (format).
 */
import fastJsonStringify from 'fast-json-stringify';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { BACKFILL } from '../../../src/db/migrations/0007-profile-json.js';
import { loadJob } from '../../../src/domain/accounts/load.js';
import { IdentityProfile } from '../../../src/domain/identity-profiles/schema.js';
import { jobsFinishing, waitForTask, type TestApp } from '../../helpers/app.js';
import { multipartFile } from '../../helpers/multipart.js';
import { describeOnDatabases, newProfile, newSource, request, uniq, V3, VERSIONS } from './helpers.js';

const serialize = fastJsonStringify(IdentityProfile as object);
const BETA = VERSIONS.find((v) => v.name === 'beta')!;

/** GET's text is the serializer's for its own value and, as values, for the profile its columns hold; the list says the same. */
async function expectStoredJson(t: TestApp, id: string, { format = true } = {}): Promise<string> {
  const res = await request(t, V3, 'GET', `/${id}`);
  expect(res.statusCode, res.body).toBe(200);
  if (format) expect(res.body).toBe(serialize(JSON.parse(res.body)));
  const fromColumns = await t.services.ctx.repos.profiles.findById(id);
  expect(JSON.parse(res.body)).toEqual(JSON.parse(serialize(fromColumns!)));
  const list = await request(t, V3, 'GET', `?filters=${encodeURIComponent(`id eq "${id}"`)}`);
  expect(list.body).toBe(`[${res.body}]`);
  return res.body;
}

const awkward = 'Quote " backslash \\ slash / tab \t newline \n control \u0001 \u001f line sep \u2028 emoji 😀 é';

describeOnDatabases('identity profiles: stored API JSON', (app) => {
  it('after create (both answers byte for byte), with escapes, owner, report reference and nested mapping attributes', async () => {
    const t = app();
    const source = await newSource(t, uniq(`src ${awkward}`));
    const created = await request(t, V3, 'POST', '', {
      payload: {
        name: uniq(`prof ${awkward}`),
        description: awkward,
        priority: -5,
        owner: { type: 'IDENTITY', id: 'o"1', name: awkward },
        authoritativeSource: { id: source.id },
        identityExceptionReportReference: { taskResultId: '0123456789abcdef0123456789abcdef', reportName: awkward },
        identityAttributeConfig: {
          enabled: true,
          attributeTransforms: [
            {
              identityAttributeName: 'email',
              transformDefinition: {
                type: 'lookup',
                attributes: {
                  table: { zeta: 'one', a_b: 'x', '': awkward },
                  default: 1.5,
                  input: { type: 'accountAttribute', attributes: { sourceName: source.name, attributeName: 'mail' } },
                },
              },
            },
          ],
        },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(await expectStoredJson(t, created.json().id)).toBe(created.body);

    const minimal = await newProfile(t, BETA, {
      description: null,
      identityAttributeConfig: {
        attributeTransforms: [{ identityAttributeName: 'x', transformDefinition: { type: 'uuid', attributes: null } }],
      },
    });
    await expectStoredJson(t, minimal.id);
  });

  it('after PATCH, optimistic and in the locking transaction (priority moves identities), byte for byte the PATCH answer', async () => {
    const t = app();
    const p = await newProfile(t, V3, { description: 'before' });
    const patch = (ops: object[]) =>
      request(t, V3, 'PATCH', `/${p.id}`, { payload: ops, headers: { 'content-type': 'application/json-patch+json' } });
    const described = await patch([
      { op: 'replace', path: '/description', value: awkward },
      { op: 'add', path: '/owner', value: { type: 'IDENTITY', id: 'o2', name: 'Bo' } },
    ]);
    expect(described.statusCode, described.body).toBe(200);
    expect(await expectStoredJson(t, p.id)).toBe(described.body);
    const moved = await patch([
      { op: 'replace', path: '/priority', value: 7 },
      { op: 'replace', path: '/name', value: uniq('renamed') },
    ]);
    expect(moved.statusCode, moved.body).toBe(200);
    expect(await expectStoredJson(t, p.id)).toBe(moved.body);
    const mapped = await patch([
      {
        op: 'replace',
        path: '/identityAttributeConfig/attributeTransforms',
        value: [{ identityAttributeName: 'uid', transformDefinition: { type: 'static', attributes: { value: 'v' } } }],
      },
    ]);
    expect(mapped.statusCode, mapped.body).toBe(200);
    expect(mapped.json().identityRefreshRequired).toBe(true);
    expect(await expectStoredJson(t, p.id)).toBe(mapped.body);
    // each field stored in json_tail alone, then the description again
    for (const ops of [
      [{ op: 'replace', path: '/hasTimeBasedAttr', value: true }],
      [
        {
          op: 'add',
          path: '/identityExceptionReportReference',
          value: { taskResultId: '0123456789abcdef0123456789abcdef', reportName: awkward },
        },
      ],
      [{ op: 'replace', path: '/identityAttributeConfig/enabled', value: false }],
      [{ op: 'replace', path: '/description', value: 'after' }],
    ]) {
      const res = await patch(ops);
      expect(res.statusCode, res.body).toBe(200);
      expect(await expectStoredJson(t, p.id)).toBe(res.body);
    }
    expect(JSON.parse(await expectStoredJson(t, p.id))).toMatchObject({
      description: 'after',
      hasTimeBasedAttr: true,
      identityExceptionReportReference: { reportName: awkward },
      identityAttributeConfig: { enabled: false },
    });
  });

  it('after import, new and replacing', async () => {
    const t = app();
    const source = await newSource(t);
    const name = uniq('imported');
    const item = (description: string) => ({
      version: 1,
      self: { type: 'IDENTITY_PROFILE', id: 'x', name },
      object: { name, description, authoritativeSource: { type: 'SOURCE', id: source.id } },
    });
    const first = await request(t, V3, 'POST', '/import', { payload: [item('one')] });
    expect(first.statusCode, first.body).toBe(200);
    const id = first.json().importedObjects[0].id;
    expect(JSON.parse(await expectStoredJson(t, id)).description).toBe('one');
    const second = await request(t, V3, 'POST', '/import', { payload: [item(awkward)] });
    expect(second.statusCode, second.body).toBe(200);
    expect(JSON.parse(await expectStoredJson(t, id)).description).toBe(awkward);
  });

  it('after a load places identities (count, refresh required) and after processing them', async () => {
    const t = app();
    const source = await newSource(t);
    const p = await newProfile(t, V3, {
      authoritativeSource: { id: source.id },
      identityAttributeConfig: {
        enabled: true,
        attributeTransforms: [
          {
            identityAttributeName: 'uid',
            transformDefinition: {
              type: 'accountAttribute',
              attributes: { attributeName: 'name', sourceName: source.name },
            },
          },
        ],
      },
    });
    const loads = jobsFinishing(t, loadJob.name);
    const csv = multipartFile('file', 'a.csv', 'id,name\na1,ann\na2,bob\n');
    const load = await t.app.inject({
      method: 'POST',
      url: `/v3/sources/${source.id}/load-accounts`,
      payload: csv.payload,
      headers: { ...(await t.admin()), ...csv.headers },
    });
    expect(load.statusCode, load.body).toBe(202);
    await loads.finished(load.json().task.id);
    loads.stop();
    expect(JSON.parse(await expectStoredJson(t, p.id)).identityCount).toBe(2);
    const run = await request(t, V3, 'POST', `/${p.id}/process-identities`);
    expect(run.statusCode, run.body).toBe(202);
    await waitForTask(t, String(run.headers.location).split('/').pop()!);
    expect(JSON.parse(await expectStoredJson(t, p.id))).toMatchObject({
      identityCount: 2,
      identityRefreshRequired: false,
    });
  });

  it('the migration fills existing rows with the same values', async () => {
    const t = app();
    const p = await newProfile(t, V3, {
      description: awkward,
      owner: { type: 'IDENTITY', id: 'o', name: awkward },
      identityExceptionReportReference: { taskResultId: '0123456789abcdef0123456789abcdef', reportName: 'r' },
    });
    const q = await newProfile(t, BETA, { description: null });
    const before = [await expectStoredJson(t, p.id), await expectStoredJson(t, q.id)];
    await sql`update identity_profiles set json_head = '', json_tail = '' where id in (${p.id}, ${q.id})`.execute(
      t.services.database.db,
    );
    await sql.raw(`${BACKFILL} where id in ('${p.id}', '${q.id}')`).execute(t.services.database.db);
    // the same values; the spacing inside the JSON columns is PostgreSQL's until the row's next write
    const after = [
      await expectStoredJson(t, p.id, { format: false }),
      await expectStoredJson(t, q.id, { format: false }),
    ];
    expect(after.map((a) => JSON.parse(a))).toEqual(before.map((b) => JSON.parse(b)));
    // the next write (a PATCH that leaves those fields, then one that changes them) writes the serializer's text
    const patch = (ops: object[]) =>
      request(t, V3, 'PATCH', `/${p.id}`, { payload: ops, headers: { 'content-type': 'application/json-patch+json' } });
    const described = await patch([{ op: 'replace', path: '/description', value: 'after the migration' }]);
    expect(described.statusCode, described.body).toBe(200);
    expect(await expectStoredJson(t, p.id, { format: false })).toBe(described.body);
    expect({ ...JSON.parse(described.body), description: awkward, modified: undefined }).toEqual({
      ...JSON.parse(before[0]),
      modified: undefined,
    });
    const timed = await patch([
      { op: 'replace', path: '/hasTimeBasedAttr', value: !JSON.parse(described.body).hasTimeBasedAttr },
    ]);
    expect(timed.statusCode, timed.body).toBe(200);
    expect(await expectStoredJson(t, p.id)).toBe(timed.body);
  });
});
