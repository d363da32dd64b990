import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../helpers/api/index.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { DATABASES } from '../helpers/databases.js';

/**
 * A source's `deleteThreshold` (ISC's Source field: a percentage, 0–100): 10 unless set on
 * create, changed by `PATCH /v3/sources/{id}` (ISC's updateSource, JSON Patch), which here
 * changes that field only and says so for the others.
 */
describe.each(DATABASES)('the delete threshold of sources on %s', (kind) => {
  let t: TestApp;
  let h: Record<string, string>;
  beforeAll(async () => {
    t = await startTestApp(kind);
    h = await t.admin();
  });
  afterAll(async () => t?.close());

  const create = (payload: object) => t.app.inject({ method: 'POST', url: '/v3/sources', headers: h, payload });
  const api = apiClient(() => t);
  const patch = (id: string, ops: unknown) =>
    t.app.inject({
      method: 'PATCH',
      url: `/v3/sources/${id}`,
      headers: { ...h, 'content-type': 'application/json-patch+json' },
      payload: JSON.stringify(ops),
    });
  const textOf = (res: { json(): any }) => res.json().messages[0].text as string;

  it('is 10 by default, settable on create, and 0–100 only', async () => {
    expect((await create({ name: 'Default threshold' })).json().deleteThreshold).toBe(10);
    const set = await create({ name: 'Set threshold', deleteThreshold: 25 });
    expect(set.statusCode).toBe(201);
    expect(
      (await t.app.inject({ method: 'GET', url: `/v3/sources/${set.json().id}`, headers: h })).json().deleteThreshold,
    ).toBe(25);
    for (const bad of [101, -1, 2.5, '10']) {
      const res = await create({ name: `Bad ${bad}`, deleteThreshold: bad });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({
        detailCode: '400.1 Bad Request Content',
        messages: [{ text: expect.stringContaining('deleteThreshold') }],
      });
    }
  });

  it('is changed by PATCH, which answers the source, records it and keeps it', async () => {
    const src = await api.sources.create({ name: 'Patched threshold' });
    const res = await patch(src.id, [
      { op: 'test', path: '/deleteThreshold', value: 10 },
      { op: 'replace', path: '/deleteThreshold', value: 40 },
    ]);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: src.id, name: src.name, deleteThreshold: 40 });
    expect(res.json().modified > src.modified).toBe(true);
    expect((await t.app.inject({ method: 'GET', url: `/v3/sources/${src.id}`, headers: h })).json()).toEqual(
      res.json(),
    );
    const audit = await t.services.database.db
      .selectFrom('auditLog')
      .select(['action', 'entityType'])
      .where('entityId', '=', src.id)
      .orderBy('id')
      .execute();
    expect(audit).toEqual([
      { action: 'create', entityType: 'SOURCE' },
      { action: 'update', entityType: 'SOURCE' },
    ]);
  });

  it('refuses what it cannot do with a 400 that says why, and changes nothing', async () => {
    const src = await api.sources.create({ name: 'Refusing patch' });
    const cases: Array<[unknown, RegExp]> = [
      [
        [{ op: 'replace', path: '/deleteThreshold', value: 101 }],
        /'deleteThreshold' must be a whole number from 0 to 100 \(a percentage\); got 101/,
      ],
      [[{ op: 'replace', path: '/deleteThreshold', value: '5' }], /got "5"/],
      [[{ op: 'remove', path: '/deleteThreshold' }], /must be a whole number/],
      [[{ op: 'replace', path: '/id', value: 'x' }], /'id' cannot be modified/],
      [[{ op: 'replace', path: '/type', value: 'x' }], /'type' cannot be modified/],
      [
        [{ op: 'replace', path: '/description', value: 'x' }],
        /'description' cannot be changed by PATCH on this server; the fields it changes are: deleteThreshold/,
      ],
      [[{ op: 'add', path: '/cluster', value: { id: 'c' } }], /'cluster' cannot be changed by PATCH/],
      [
        [
          { op: 'test', path: '/deleteThreshold', value: 99 },
          { op: 'replace', path: '/deleteThreshold', value: 5 },
        ],
        /Operation 0 \(test \/deleteThreshold\) cannot be applied/,
      ],
      [{ op: 'replace', path: '/deleteThreshold', value: 5 }, /body/],
    ];
    for (const [ops, message] of cases) {
      const res = await patch(src.id, ops);
      expect(res.statusCode, JSON.stringify(ops)).toBe(400);
      expect(textOf(res)).toMatch(message);
    }
    expect((await t.app.inject({ method: 'GET', url: `/v3/sources/${src.id}`, headers: h })).json()).toEqual(src);
    expect(
      (await patch('0123456789abcdef0123456789abcdef', [{ op: 'replace', path: '/deleteThreshold', value: 5 }]))
        .statusCode,
    ).toBe(404);
  });
});
