import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdentityProfilesApi, LifecycleStatesApi, LifecycleStatesBetaApi } from 'sailpoint-api-client';
import { DATABASES, postgresReachable } from '../helpers/databases.js';
import { errorResponse, failure, startSdkServer, type SdkServer } from './harness.js';

/**
 * The official TypeScript SDK's `LifecycleStatesApi` (v3) and `LifecycleStatesBetaApi` against a
 * real listening server: every operation each declares, asserted on the values that come back and
 * on what the SDK sent.
 */
const postgresUp = await postgresReachable();
const HEX32 = /^[0-9a-f]{32}$/;
/**
 * The SDK types unique id lists (`sourceIds`, `accessProfileIds`) as `Set<string>`, but sends its
 * body through JSON.stringify, which writes a Set as `{}`: JavaScript callers pass arrays, as here.
 */
const ids = (...values: string[]) => values as unknown as Set<string>;

describe.each(DATABASES)('sailpoint-api-client lifecycle states (%s)', (kind) => {
  let s: SdkServer;
  let profileId: string;
  let source: { id: string; name: string };
  beforeAll(async () => {
    if (kind === 'postgres' && !postgresUp) return;
    s = await startSdkServer(kind);
    source = await s.newSource('LCS HR');
    const profile = await new IdentityProfilesApi(s.config).createIdentityProfile({
      identityProfile: { name: 'LCS Employees', authoritativeSource: { type: 'SOURCE', id: source.id } },
    });
    profileId = profile.data.id!;
  });
  afterAll(async () => s?.close());

  describe.runIf(kind === 'pglite' || postgresUp)('v3 and beta', () => {
    it('v3: lists the default states, creates, gets, lists sorted with a count, patches and deletes', async () => {
      const api = new LifecycleStatesApi(s.config);
      const defaults = await api.getLifecycleStates({ identityProfileId: profileId });
      expect(defaults.status).toBe(200);
      expect(defaults.data.map((x) => x.technicalName)).toEqual(['active', 'inactive']);

      const created = await api.createLifecycleState({
        identityProfileId: profileId,
        lifecycleState: {
          name: 'Leaver',
          technicalName: 'leaver',
          enabled: true,
          description: 'Left',
          accountActions: [{ action: 'DISABLE', sourceIds: ids(source.id) }],
          emailNotificationOption: {
            notifyManagers: true,
            notifyAllAdmins: false,
            notifySpecificUsers: false,
            emailAddressList: [],
          },
          accessProfileIds: ids(),
        },
      });
      expect(created.status).toBe(201);
      expect(created.data).toMatchObject({
        id: expect.stringMatching(HEX32),
        name: 'Leaver',
        technicalName: 'leaver',
        enabled: true,
        identityCount: 0,
        accountActions: [{ action: 'DISABLE', sourceIds: [source.id] }],
      });
      const id = created.data.id!;
      expect((await api.getLifecycleState({ identityProfileId: profileId, lifecycleStateId: id })).data).toEqual(
        created.data,
      );

      const page = await api.getLifecycleStates({
        identityProfileId: profileId,
        sorters: '-name',
        limit: 2,
        count: true,
      });
      expect(page.data.map((x) => x.name)).toEqual(['Leaver', 'Inactive']);
      expect(page.headers['x-total-count']).toBe('3');

      const mark = s.wire.length;
      const patched = await api.updateLifecycleStates({
        identityProfileId: profileId,
        lifecycleStateId: id,
        jsonPatchOperation: [
          { op: 'replace', path: '/description', value: 'Gone for good' },
          { op: 'replace', path: '/enabled', value: false },
        ],
      });
      expect(patched.data).toMatchObject({ description: 'Gone for good', enabled: false, technicalName: 'leaver' });
      expect(s.since(mark).map((w) => [w.method, w.url, w.headers['content-type']])).toEqual([
        ['PATCH', `/v3/identity-profiles/${profileId}/lifecycle-states/${id}`, 'application/json-patch+json'],
      ]);

      const refused = await failure(
        api.updateLifecycleStates({
          identityProfileId: profileId,
          lifecycleStateId: id,
          jsonPatchOperation: [{ op: 'replace', path: '/technicalName', value: 'x' }],
        }),
      );
      expect(refused.response?.status).toBe(400);
      expect(refused.response?.data).toEqual(
        errorResponse('400.1 Bad Request Content', "'technicalName' cannot be modified"),
      );

      const duplicate = await failure(
        api.createLifecycleState({
          identityProfileId: profileId,
          lifecycleState: { name: 'Again', technicalName: 'LEAVER' },
        }),
      );
      expect(duplicate.response?.status).toBe(400);

      // what a Set typed as the SDK asks arrives as: `{}`, refused with a 400 naming the field
      const asSet = await failure(
        api.createLifecycleState({
          identityProfileId: profileId,
          lifecycleState: { name: 'Set', technicalName: 'set', accessProfileIds: new Set(['a']) },
        }),
      );
      expect(asSet.response?.status).toBe(400);
      expect(JSON.stringify(asSet.response?.data)).toMatch(/accessProfileIds/);

      const deleted = await api.deleteLifecycleState({ identityProfileId: profileId, lifecycleStateId: id });
      expect(deleted.status).toBe(202);
      expect(deleted.data).toEqual({ type: 'LIFECYCLE_STATE', id, name: 'Leaver' });
      const gone = await failure(api.getLifecycleState({ identityProfileId: profileId, lifecycleStateId: id }));
      expect(gone.response?.status).toBe(404);
    });

    it('beta: gets (its getLifecycleStates) and patches a state in the flat shape', async () => {
      const v3 = new LifecycleStatesApi(s.config);
      const active = (await v3.getLifecycleStates({ identityProfileId: profileId })).data[0];
      const api = new LifecycleStatesBetaApi(s.config);
      const got = await api.getLifecycleStates({ identityProfileId: profileId, lifecycleStateId: active.id! });
      expect(got.status).toBe(200);
      expect(got.data).toMatchObject({ id: active.id, name: 'Active', technicalName: 'active', enabled: false });
      expect(got.data).not.toHaveProperty('identityState');
      const patched = await api.updateLifecycleStates({
        identityProfileId: profileId,
        lifecycleStateId: active.id!,
        jsonPatchOperationBeta: [
          { op: 'replace', path: '/enabled', value: true },
          { op: 'add', path: '/accountActions/-', value: { action: 'ENABLE', sourceIds: [source.id] } },
        ],
      });
      expect(patched.data).toMatchObject({
        enabled: true,
        accountActions: [{ action: 'ENABLE', sourceIds: [source.id], allSources: false }],
      });
      expect(
        (await v3.getLifecycleState({ identityProfileId: profileId, lifecycleStateId: active.id! })).data,
      ).toMatchObject({ enabled: true, accountActions: [{ action: 'ENABLE', sourceIds: [source.id] }] });
    });
  });
});
