/**
 * Every way a profile is created gives it ISC's default states (Active, Inactive) in the same
 * transaction: POST in every version, and import of a new profile; an import that updates an
 * existing profile leaves its states as they are, and export carries none (an exported
 * IdentityProfile has no lifecycle-state field).
 */
import { expect, it } from 'vitest';
import { createRepositories } from '../../../src/db/repositories/index.js';
import {
  describeOnDatabases,
  expect400,
  newProfile,
  newSource,
  request,
  uniq,
  V3,
  VERSIONS,
} from '../identity-profiles/helpers.js';
import { stateRequest } from './helpers.js';

const technicalNames = async (t: Parameters<typeof stateRequest>[0], profileId: string) =>
  (await stateRequest(t, V3, 'GET', profileId)).json().map((s: any) => s.technicalName);

describeOnDatabases('lifecycle states: defaults of a new profile', (app) => {
  it.each(VERSIONS)('$name: a profile created by POST has Active and Inactive', async (v) => {
    const t = app();
    const profile = await newProfile(t, v);
    expect(await technicalNames(t, profile.id)).toEqual(['active', 'inactive']);
  });

  it('a refused create leaves no states behind', async () => {
    const t = app();
    const profile = await newProfile(t, V3);
    const before = await t.services.database.db
      .selectFrom('lifecycleStates')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const source = await newSource(t);
    expect400(
      await request(t, V3, 'POST', '', {
        payload: { name: profile.name, authoritativeSource: { type: 'SOURCE', id: source.id } },
      }),
      /already exists/,
    );
    const after = await t.services.database.db
      .selectFrom('lifecycleStates')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('import: a new profile gets the defaults; an updated one keeps its states; export carries none', async () => {
    const t = app();
    const profile = await newProfile(t, V3);
    expect(
      (await stateRequest(t, V3, 'POST', profile.id, '', { payload: { name: 'Leaver', technicalName: 'leaver' } }))
        .statusCode,
    ).toBe(201);
    const exported = (
      await request(t, V3, 'GET', `/export?filters=${encodeURIComponent(`id eq "${profile.id}"`)}`)
    ).json();
    expect(exported).toHaveLength(1);
    expect(JSON.stringify(exported[0])).not.toMatch(/lifecycle|technicalName/i);

    const updated = await request(t, V3, 'POST', '/import', {
      payload: [{ ...exported[0], object: { ...exported[0].object, description: 'imported again' } }],
    });
    expect(updated.statusCode, updated.body).toBe(200);
    expect(updated.json().infos.map((i: any) => i.key)).toContain('UPDATED');
    expect(await technicalNames(t, profile.id)).toEqual(['active', 'inactive', 'leaver']);

    const source = await newSource(t);
    const name = uniq('imported');
    const created = await request(t, V3, 'POST', '/import', {
      payload: [
        {
          version: 1,
          self: { type: 'IDENTITY_PROFILE', id: 'x', name },
          object: { name, authoritativeSource: { type: 'SOURCE', id: source.id } },
        },
      ],
    });
    expect(created.statusCode, created.body).toBe(200);
    const id = created.json().importedObjects[0].id;
    expect(await technicalNames(t, id)).toEqual(['active', 'inactive']);
    const states = await createRepositories(t.services.database.db).lifecycleStates.allOf(id);
    expect(states.map((s) => [s.name, s.enabled, s.priority, s.identityState])).toEqual([
      ['Active', false, 10, null],
      ['Inactive', false, 20, null],
    ]);
  });
});
