/**
 * A profile never references a transform that does not exist, also when the transform is deleted
 * while the profile is written (create, PATCH, import): the database holds the reference
 * (migration 0010), so whichever commits second is refused. On PostgreSQL each race is made to
 * happen (gate.ts); PGlite has one session, so there the same requests run one after the other.
 */
import type { LightMyRequestResponse } from 'fastify';
import { expect, it } from 'vitest';
import type { TestApp } from '../../helpers/app.js';
import { closeGate } from './gate.js';
import { describeOnDatabases, expect400, newSource, request, uniq, V3 } from './helpers.js';

const JSON_PATCH = { 'content-type': 'application/json-patch+json' };

async function newTransform(t: TestApp, name = uniq('Ref Target')): Promise<{ id: string; name: string }> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v3/transforms',
    headers: await t.admin(),
    payload: { name, type: 'lower', attributes: {} },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

const referencing = (name: string) => ({
  enabled: true,
  attributeTransforms: [
    { identityAttributeName: 'department', transformDefinition: { type: 'reference', attributes: { id: name } } },
  ],
});

const deleteTransform = async (t: TestApp, id: string) =>
  t.app.inject({ method: 'DELETE', url: `/v3/transforms/${id}`, headers: await t.admin() });
const transformExists = async (t: TestApp, id: string) =>
  (await t.app.inject({ method: 'GET', url: `/v3/transforms/${id}`, headers: await t.admin() })).statusCode === 200;

/** Creates a profile referencing `transformName` (on `source`: make it before a gate closes, as creating it writes an audit entry). */
async function createReferencing(t: TestApp, transformName: string, source?: { id: string }, name = uniq('refprof')) {
  source ??= await newSource(t);
  return request(t, V3, 'POST', '', {
    payload: { name, authoritativeSource: { id: source.id }, identityAttributeConfig: referencing(transformName) },
  });
}

/** Every stored profile's references to transforms that do not exist (none, whatever the races did). */
async function danglingReferences(t: TestApp): Promise<string[]> {
  const headers = await t.admin();
  const transforms = new Set<string>();
  for (let offset = 0; ; offset += 250) {
    const page = (
      await t.app.inject({ method: 'GET', url: `/v3/transforms?limit=250&offset=${offset}`, headers })
    ).json();
    for (const x of page) transforms.add(x.name.toLowerCase());
    if (page.length < 250) break;
  }
  const dangling: string[] = [];
  for (let offset = 0; ; offset += 250) {
    const page = (await request(t, V3, 'GET', `?limit=250&offset=${offset}`)).json();
    for (const p of page) {
      for (const m of p.identityAttributeConfig.attributeTransforms) {
        const ref = m.transformDefinition.type === 'reference' ? m.transformDefinition.attributes.id : undefined;
        if (typeof ref === 'string' && !transforms.has(ref.toLowerCase())) dangling.push(`${p.name} → ${ref}`);
      }
    }
    if (page.length < 250) break;
  }
  return dangling;
}

describeOnDatabases('identity profiles: references to transforms under concurrency', (app, kind) => {
  it('creates and deletes racing in pairs leave no profile pointing at a missing transform', async () => {
    const t = app();
    const targets = await Promise.all(Array.from({ length: 8 }, () => newTransform(t)));
    const answers = await Promise.all(targets.flatMap((x) => [createReferencing(t, x.name), deleteTransform(t, x.id)]));
    for (const res of answers) expect([201, 204, 400], res.body).toContain(res.statusCode);
    expect(await danglingReferences(t)).toEqual([]);
    // each pair: exactly one of the two won
    for (const [i, x] of targets.entries()) {
      const [created, deleted] = [answers[2 * i], answers[2 * i + 1]];
      expect([created.statusCode, deleted.statusCode].sort(), `${x.name}: ${created.body} ${deleted.body}`).toSatisfy(
        (s: number[]) => (s[0] === 201 && s[1] === 400) || (s[0] === 204 && s[1] === 400),
      );
      expect(await transformExists(t, x.id)).toBe(created.statusCode === 201);
    }
  });

  it('a reference added or removed by PATCH, and one written by import, decides whether the transform can be deleted', async () => {
    const t = app();
    const x = await newTransform(t);
    const created = await createReferencing(t, x.name);
    expect(created.statusCode, created.body).toBe(201);
    const profile = created.json();
    const patch = (ops: unknown) =>
      request(t, V3, 'PATCH', `/${profile.id}`, { payload: JSON.stringify(ops), headers: JSON_PATCH });
    expect((await patch([{ op: 'remove', path: '/identityAttributeConfig/attributeTransforms/0' }])).statusCode).toBe(
      200,
    );
    // the fast path (a version this process knows) adds it back
    const added = await patch([
      {
        op: 'add',
        path: '/identityAttributeConfig/attributeTransforms/-',
        value: referencing(x.name.toUpperCase()).attributeTransforms[0],
      },
    ]);
    expect(added.statusCode, added.body).toBe(200);
    expect400(await deleteTransform(t, x.id), new RegExp(profile.name));
    expect((await patch([{ op: 'replace', path: '/description', value: 'mappings untouched' }])).statusCode).toBe(200);
    expect400(await deleteTransform(t, x.id), new RegExp(profile.name));
    expect((await patch([{ op: 'remove', path: '/identityAttributeConfig/attributeTransforms/0' }])).statusCode).toBe(
      200,
    );

    const imported = await request(t, V3, 'POST', '/import', {
      payload: [
        {
          version: 1,
          self: { type: 'IDENTITY_PROFILE', id: 'x', name: profile.name },
          object: { ...profile, identityAttributeConfig: referencing(x.name) },
        },
      ],
    });
    expect(imported.json().errors).toEqual([]);
    expect400(await deleteTransform(t, x.id), new RegExp(profile.name));
    expect(
      (
        await patch([
          { op: 'replace', path: '/identityAttributeConfig', value: { enabled: true, attributeTransforms: [] } },
        ])
      ).statusCode,
    ).toBe(200);
    expect((await deleteTransform(t, x.id)).statusCode).toBe(204);
  });

  it('a transform referenced by another transform cannot be deleted, also while that one is created', async () => {
    const t = app();
    const x = await newTransform(t);
    const headers = await t.admin();
    const [user, deleted] = await Promise.all([
      t.app.inject({
        method: 'POST',
        url: '/v3/transforms',
        headers,
        payload: { name: uniq('User'), type: 'reference', attributes: { id: x.name } },
      }),
      deleteTransform(t, x.id),
    ]);
    expect([user.statusCode, deleted.statusCode].sort(), `${user.body} ${deleted.body}`).toSatisfy(
      (s: number[]) => (s[0] === 201 && s[1] === 400) || (s[0] === 204 && s[1] === 400),
    );
    expect(await transformExists(t, x.id)).toBe(user.statusCode === 201);
  });

  if (kind !== 'postgres') return;

  it('a delete that comes while a profile referencing the transform is being created waits for it, then is refused', async () => {
    const t = app();
    const x = await newTransform(t);
    const source = await newSource(t);
    const gate = await closeGate(t);
    const name = uniq('first');
    const creating = createReferencing(t, x.name, source, name);
    await gate.waiting(1);
    const deleting = deleteTransform(t, x.id);
    await gate.waiting(2);
    await gate.open();
    expect((await creating).statusCode, (await creating).body).toBe(201);
    expect400(await deleting, new RegExp(name));
    expect(await transformExists(t, x.id)).toBe(true);
    expect(await danglingReferences(t)).toEqual([]);
  });

  it('a profile written while its transform is being deleted is refused once the delete commits (create, PATCH, import)', async () => {
    const t = app();
    const source = await newSource(t);
    const existing = (
      await request(t, V3, 'POST', '', { payload: { name: uniq('patched'), authoritativeSource: { id: source.id } } })
    ).json();
    const spare = await newSource(t);
    // the PATCH below starts from a version this process knows: the fast path's single statement
    expect((await request(t, V3, 'PATCH', `/${existing.id}`, { payload: '[]', headers: JSON_PATCH })).statusCode).toBe(
      200,
    );
    const writes: Array<[string, (name: string) => Promise<LightMyRequestResponse>]> = [
      ['create', (name) => createReferencing(t, name, spare)],
      [
        'PATCH',
        (name) =>
          request(t, V3, 'PATCH', `/${existing.id}`, {
            payload: JSON.stringify([{ op: 'replace', path: '/identityAttributeConfig', value: referencing(name) }]),
            headers: JSON_PATCH,
          }),
      ],
    ];
    for (const [what, write] of writes) {
      const x = await newTransform(t);
      const gate = await closeGate(t);
      const deleting = deleteTransform(t, x.id);
      await gate.waiting(1);
      const writing = write(x.name);
      await gate.waiting(2);
      await gate.open();
      expect((await deleting).statusCode, `${what}: ${(await deleting).body}`).toBe(204);
      expect400(await writing, new RegExp(`transform '${x.name}'`, 'i'));
    }
    const x = await newTransform(t);
    const sources = [await newSource(t), await newSource(t)];
    const gate = await closeGate(t);
    const deleting = deleteTransform(t, x.id);
    await gate.waiting(1);
    const [a, b] = [uniq('imp-a'), uniq('imp-b')];
    const importing = request(t, V3, 'POST', '/import', {
      payload: [a, b].map((name, i) => ({
        version: 1,
        self: { type: 'IDENTITY_PROFILE', id: name, name },
        object: {
          name,
          authoritativeSource: { id: sources[i].id },
          ...(i === 0 ? { identityAttributeConfig: referencing(x.name) } : {}),
        },
      })),
    });
    await gate.waiting(2);
    await gate.open();
    expect((await deleting).statusCode).toBe(204);
    const result = (await importing).json();
    expect(result.errors).toEqual([
      expect.objectContaining({ text: expect.stringMatching(new RegExp(`${a}.*transform '${x.name}'`, 'i')) }),
    ]);
    expect(result.importedObjects.map((o: any) => o.name)).toEqual([b]);
    expect(await danglingReferences(t)).toEqual([]);
  });
});
