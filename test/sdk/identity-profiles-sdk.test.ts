import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  IdentityProfilesApi,
  IdentityProfilesBetaApi,
  IdentityProfilesV2024Api,
  Paginator,
  type IdentityProfile,
  type JsonPatchOperation,
} from 'sailpoint-api-client';
import { waitForTask } from '../helpers/app.js';
import { DATABASES, postgresReachable } from '../helpers/databases.js';
import {
  errorResponse,
  failure,
  startSdkServer,
  versionClient,
  VERSIONS,
  type SdkServer,
  type VersionClient,
} from './harness.js';

/**
 * The official TypeScript SDK (`sailpoint-api-client`) against a real listening server, in v3,
 * beta and v2024: every identity-profile operation, asserted on the values that come back.
 * One server per database; the versions share it, so each names its objects with its prefix.
 */
const postgresUp = await postgresReachable();
const HEX32 = /^[0-9a-f]{32}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

describe.each(DATABASES)('sailpoint-api-client against the server (%s)', (kind) => {
  let s: SdkServer;
  beforeAll(async () => {
    if (kind === 'postgres' && !postgresUp) return;
    s = await startSdkServer(kind);
  });
  afterAll(async () => s?.close());

  describe.runIf(kind === 'pglite' || postgresUp).each(VERSIONS)('%s', (version) => {
    let api: VersionClient;
    let source: { id: string; name: string };
    beforeAll(async () => {
      api = versionClient(version, s.config);
      source = await s.newSource(`${version} HR`);
    });
    /** The version's SDK class itself, for `Paginator.paginate` over export. */
    const exportApi = () =>
      version === 'v3'
        ? new IdentityProfilesApi(s.config)
        : version === 'beta'
          ? new IdentityProfilesBetaApi(s.config)
          : new IdentityProfilesV2024Api(s.config);
    const mapping = (identityAttributeName: string, attributeName: string, src = source) => ({
      identityAttributeName,
      transformDefinition: { type: 'accountAttribute', attributes: { attributeName, sourceName: src.name } },
    });
    /** A profile on a new source of its own (a source serves one profile). */
    const newProfile = async (name: string, extra: Partial<IdentityProfile> = {}) => {
      const src = await s.newSource(`${name} source`);
      const res = await api.create({ name, authoritativeSource: { type: 'SOURCE', id: src.id }, ...extra });
      return { profile: res.data, source: src };
    };

    it('creates a profile (201, application/json) and reads it back', async () => {
      const mark = s.wire.length;
      const res = await api.create({
        name: `${version} Employees`,
        description: 'Full-time staff',
        priority: 5,
        authoritativeSource: { type: 'SOURCE', id: source.id },
        identityAttributeConfig: { enabled: true, attributeTransforms: [mapping('email', 'mail')] },
      });
      expect(res.status).toBe(201);
      expect(res.data).toEqual({
        id: expect.stringMatching(HEX32),
        name: `${version} Employees`,
        description: 'Full-time staff',
        priority: 5,
        created: expect.stringMatching(ISO),
        modified: res.data.created,
        owner: null,
        authoritativeSource: { type: 'SOURCE', id: source.id, name: source.name },
        identityRefreshRequired: false,
        identityCount: 0,
        identityAttributeConfig: { enabled: true, attributeTransforms: [mapping('email', 'mail')] },
        identityExceptionReportReference: null,
        hasTimeBasedAttr: version === 'beta',
      });
      const [sent] = s.since(mark);
      expect(sent).toMatchObject({ method: 'POST', url: `${api.prefix}/identity-profiles` });
      expect(sent.headers).toMatchObject({
        'content-type': 'application/json',
        authorization: expect.stringMatching(/^Bearer ey/),
        'x-sailpoint-sdk': 'typescript-1.4.15',
        'user-agent': 'OpenAPI-Generator/1.4.15/ts',
      });

      const got = await api.get(res.data.id!);
      expect(got.status).toBe(200);
      expect(got.data).toEqual(res.data);
    });

    it('applies the version defaults and priority = max + 10 when they are left out', async () => {
      const top = await api.list({ sorters: '-priority', limit: 1 });
      const { profile } = await newProfile(`${version} Defaults`);
      expect(profile.priority).toBe((top.data[0]?.priority ?? 0) + 10);
      expect(profile.identityAttributeConfig).toEqual({ enabled: version === 'beta', attributeTransforms: [] });
      expect(profile.hasTimeBasedAttr).toBe(version === 'beta');
    });

    describe('list', () => {
      const names = ['a', 'b', 'c', 'd', 'e'].map((x) => `${version}-list-${x}`);
      const prefix = `name sw "${version}-list-"`;
      const ids: Record<string, string> = {};
      beforeAll(async () => {
        for (const [i, name] of names.entries())
          ids[name] = (await newProfile(name, { priority: 500 - 100 * i })).profile.id!;
      });

      it('filters, sorts, pages and counts (X-Total-Count from the axios response)', async () => {
        const page = await api.list({ filters: prefix, sorters: '-name', count: true, limit: 2, offset: 1 });
        expect(page.status).toBe(200);
        expect(page.data.map((p) => p.name)).toEqual([names[3], names[2]]);
        expect(page.headers['x-total-count']).toBe('5');

        const byDefault = await api.list({ filters: prefix });
        expect(byDefault.data.map((p) => [p.name, p.priority])).toEqual(
          names.map((n, i) => [n, 500 - 100 * i]).reverse(),
        );
        expect(byDefault.headers['x-total-count']).toBeUndefined();

        const inList = await api.list({ filters: `name in ("${names[0]}","${names[2]}")`, sorters: 'priority' });
        expect(inList.data.map((p) => p.name)).toEqual([names[2], names[0]]);

        const composite = await api.list({ filters: `${prefix} and priority ne 200`, sorters: 'name', count: true });
        expect(composite.data.map((p) => p.name)).toEqual([names[0], names[1], names[2], names[4]]);
        expect(composite.headers['x-total-count']).toBe('4');

        const byId = await api.list({ filters: `id eq "${ids[names[1]]}"` });
        expect(byId.data.map((p) => p.id)).toEqual([ids[names[1]]]);

        const empty = await api.list({ filters: `${prefix} and priority eq 12345`, count: true });
        expect(empty.data).toEqual([]);
        expect(empty.headers['x-total-count']).toBe('0');
      });

      it('Paginator.paginate walks every page (limit = increment, offset += increment)', async () => {
        const log = vi.spyOn(console, 'log').mockImplementation(() => {}); // the Paginator logs each page
        try {
          const mark = s.wire.length;
          const all = await api.paginate({ filters: prefix, sorters: 'name' }, 2);
          expect(all.data.map((p) => p.name)).toEqual(names);
          const pages = s.since(mark).map((r) => new URL(r.url, s.baseUrl).searchParams);
          expect(pages.map((q) => [q.get('offset'), q.get('limit'), q.get('filters'), q.get('sorters')])).toEqual([
            ['0', '2', prefix, 'name'],
            ['2', '2', prefix, 'name'],
            ['4', '2', prefix, 'name'],
          ]);
          expect(log).toHaveBeenCalledWith('Paginating call, offset = 4');

          // `limit` stops the walk after the page that reaches it (whole pages: 4 items, not 3)
          const capped = await api.paginate({ filters: prefix, sorters: '-name', limit: 3 }, 2);
          expect(capped.data.map((p) => p.name)).toEqual([names[4], names[3], names[2], names[1]]);
        } finally {
          log.mockRestore();
        }
      });

      it('exports with filters, sorters and paging, in the sp-config object format', async () => {
        const three = `(name eq "${names[1]}" or name eq "${names[2]}" or name eq "${names[3]}") and priority ne 300`;
        const res = await api.export({ filters: three, sorters: '-priority' });
        expect(res.status).toBe(200);
        expect(res.data.map((e) => [e.self!.name, e.object!.priority])).toEqual([
          [names[1], 400],
          [names[3], 200],
        ]);
        const got = (await api.get(ids[names[3]])).data;
        expect(res.data[1]).toEqual({
          version: 1,
          self: { type: 'IDENTITY_PROFILE', id: got.id, name: got.name },
          object: got,
        });
        const second = await api.export({ filters: three, sorters: '-priority', limit: 1, offset: 1 });
        expect(second.data.map((e) => e.self!.id)).toEqual([ids[names[3]]]);

        const log = vi.spyOn(console, 'log').mockImplementation(() => {});
        try {
          const sdk = exportApi();
          const all = await Paginator.paginate(
            sdk,
            sdk.exportIdentityProfiles,
            { filters: `name ne "${names[0]}"`, sorters: 'name' },
            3,
          );
          expect(all.data.map((e) => e.self!.name).filter((n) => names.includes(n!))).toEqual(names.slice(1));
        } finally {
          log.mockRestore();
        }
      });

      // export declares `count` (spec §3a): the total comes in X-Total-Count, as for the list.
      it('export honours count=true with X-Total-Count', async () => {
        const res = await api.export({ filters: `name eq "${names[3]}"`, count: true });
        expect(res.data).toHaveLength(1);
        expect(res.headers['x-total-count']).toBe('1');
      });
    });

    it('patches with replace, add, copy, move, remove and test (application/json-patch+json)', async () => {
      const { profile, source: src } = await newProfile(`${version} Patched`, {
        identityAttributeConfig: { enabled: true, attributeTransforms: [] },
      });
      const id = profile.id!;
      const mark = s.wire.length;
      const first = await api.patch(id, [
        { op: 'replace', path: '/name', value: `${version} Patched Renamed` },
        { op: 'replace', path: '/priority', value: 7 },
        { op: 'add', path: '/description', value: 'added' },
      ]);
      expect(first.status).toBe(200);
      expect(first.data).toMatchObject({
        id,
        name: `${version} Patched Renamed`,
        priority: 7,
        description: 'added',
        identityRefreshRequired: false,
      });
      expect(Date.parse(first.data.modified!)).toBeGreaterThanOrEqual(Date.parse(profile.modified!));
      expect(s.since(mark)[0]).toMatchObject({ method: 'PATCH', url: `${api.prefix}/identity-profiles/${id}` });
      expect(s.since(mark)[0].headers['content-type']).toBe('application/json-patch+json');

      const added = await api.patch(id, [
        { op: 'add', path: '/identityAttributeConfig/attributeTransforms/-', value: mapping('email', 'mail', src) },
        { op: 'add', path: '/identityAttributeConfig/attributeTransforms/-', value: mapping('uid', 'id', src) },
      ]);
      expect(added.data.identityAttributeConfig!.attributeTransforms!.map((m) => m.identityAttributeName)).toEqual([
        'email',
        'uid',
      ]);
      expect(added.data.identityRefreshRequired).toBe(true); // mappings changed (decision 9)

      // The SDK's JsonPatchOperation has no `from` (spec §5), so move and copy need a cast to send one.
      const move = {
        op: 'move',
        from: '/identityAttributeConfig/attributeTransforms/1',
        path: '/identityAttributeConfig/attributeTransforms/0',
      } as JsonPatchOperation;
      const copy = { op: 'copy', from: '/name', path: '/description' } as JsonPatchOperation;
      const movedAndCopied = await api.patch(id, [move, copy]);
      expect(
        movedAndCopied.data.identityAttributeConfig!.attributeTransforms!.map((m) => m.identityAttributeName),
      ).toEqual(['uid', 'email']);
      expect(movedAndCopied.data.description).toBe(`${version} Patched Renamed`);

      const removed = await api.patch(id, [
        { op: 'test', path: '/priority', value: 7 },
        { op: 'remove', path: '/identityAttributeConfig/attributeTransforms/1' },
        { op: 'remove', path: '/description' },
      ]);
      expect(removed.data).toMatchObject({ description: null, priority: 7 });
      expect(removed.data.identityAttributeConfig!.attributeTransforms).toEqual([mapping('uid', 'id', src)]);
      expect((await api.get(id)).data).toEqual(removed.data);

      const failedTest = await failure(
        api.patch(id, [
          { op: 'test', path: '/priority', value: 8 },
          { op: 'replace', path: '/name', value: 'never' },
        ]),
      );
      expect(failedTest.response!.status).toBe(400);
      expect(failedTest.response!.data).toEqual(
        errorResponse('400.1 Bad Request Content', 'Operation 0 (test /priority)'),
      );
      const readOnly = await failure(api.patch(id, [{ op: 'replace', path: '/identityCount', value: 3 }]));
      expect(readOnly.response!.data).toEqual(
        errorResponse('400.1 Bad Request Content', "'identityCount' cannot be modified"),
      );
      expect((await api.get(id)).data.name).toBe(`${version} Patched Renamed`);
    });

    it('deletes a profile: 202 with a task that completes, then the profile is gone', async () => {
      const { profile } = await newProfile(`${version} Deleted`);
      const mark = s.wire.length;
      const res = await api.delete(profile.id!);
      expect(res.status).toBe(202);
      expect(res.data).toMatchObject({
        id: expect.stringMatching(HEX32),
        name: expect.stringMatching(/^Background Object Terminator/),
        description: 'Delete 1 identity profile(s)',
        launcher: s.clientId,
        launched: expect.stringMatching(ISO),
      });
      const sent = s.since(mark)[0];
      expect(sent).toMatchObject({ method: 'DELETE', url: `${api.prefix}/identity-profiles/${profile.id}` });
      expect(sent.headers['content-type']).toBeUndefined();

      const task = await waitForTask(s.t, res.data.id!);
      expect(task).toMatchObject({ completionStatus: 'Success', completed: expect.stringMatching(ISO) });
      const gone = await failure(api.get(profile.id!));
      expect(gone.response!.status).toBe(404);
    });

    it('bulk deletes (a JSON array of ids); an unknown id makes the task end with a warning', async () => {
      const a = (await newProfile(`${version} Bulk A`)).profile;
      const b = (await newProfile(`${version} Bulk B`)).profile;
      const res = await api.bulkDelete([a.id!, b.id!, 'ffffffffffffffffffffffffffffffff']);
      expect(res.status).toBe(202);
      expect(res.data.description).toBe('Delete 3 identity profile(s)');
      const task = await waitForTask(s.t, res.data.id!);
      expect(task.completionStatus).toBe('Warning');
      expect(task.messages.map((m: any) => m.localizedText.message)).toEqual([
        "Identity profile 'ffffffffffffffffffffffffffffffff' was not found; skipped.",
        'Deleted 2 of 3 identity profile(s).',
      ]);
      const left = await api.list({ filters: `id in ("${a.id}","${b.id}")`, count: true });
      expect([left.data, left.headers['x-total-count']]).toEqual([[], '0']);

      const c = (await newProfile(`${version} Bulk C`)).profile;
      const clean = await api.bulkDelete([c.id!]);
      expect((await waitForTask(s.t, clean.data.id!)).completionStatus).toBe('Success');
    });

    it('export → import round trip: updates a changed profile, re-creates a deleted one', async () => {
      const { profile, source: src } = await newProfile(`${version} Moved`, {
        description: 'as exported',
        priority: 42,
        identityAttributeConfig: {
          enabled: true,
          attributeTransforms: [mapping('email', 'mail', await s.newSource(`${version} Moved mail`))],
        },
      });
      const exported = (await api.export({ filters: `name eq "${version} Moved"` })).data;
      expect(exported).toEqual([
        { version: 1, self: { type: 'IDENTITY_PROFILE', id: profile.id, name: profile.name }, object: profile },
      ]);

      await api.patch(profile.id!, [{ op: 'replace', path: '/description', value: 'changed since' }]);
      const updated = await api.import(exported);
      expect(updated.status).toBe(200);
      expect(updated.data).toEqual({
        infos: [expect.objectContaining({ key: 'UPDATED' })],
        warnings: [],
        errors: [],
        importedObjects: [{ type: 'IDENTITY_PROFILE', id: profile.id, name: profile.name }],
      });
      expect((await api.get(profile.id!)).data).toMatchObject({ description: 'as exported', priority: 42 });

      await waitForTask(s.t, (await api.delete(profile.id!)).data.id!);
      const created = await api.import(exported);
      const [imported] = created.data.importedObjects;
      expect(created.data.infos).toEqual([expect.objectContaining({ key: 'CREATED' })]);
      expect(imported).toEqual({ type: 'IDENTITY_PROFILE', id: expect.stringMatching(HEX32), name: profile.name });
      expect(imported.id).not.toBe(profile.id);
      const back = (await api.get(imported.id!)).data;
      expect(back).toMatchObject({
        name: profile.name,
        description: 'as exported',
        priority: 42,
        authoritativeSource: { type: 'SOURCE', id: src.id, name: src.name },
        identityAttributeConfig: profile.identityAttributeConfig,
      });
    });

    it('reports import errors inside the 200 body', async () => {
      const res = await api.import([
        {
          version: 1,
          self: { type: 'IDENTITY_PROFILE', id: 'x', name: `${version} Orphan` },
          object: {
            name: `${version} Orphan`,
            authoritativeSource: { type: 'SOURCE', id: 'nope', name: 'No Such Source' },
          },
        },
      ]);
      expect(res.status).toBe(200);
      expect(res.data.importedObjects).toEqual([]);
      expect(res.data.errors).toEqual([
        expect.objectContaining({
          key: 'IMPORT_FAILED',
          text: expect.stringContaining("The authoritative source 'nope' does not exist"),
        }),
      ]);
    });

    it('proposes the default identity attribute config from the authoritative source', async () => {
      const { profile, source: src } = await newProfile(`${version} Defaulted`);
      const res = await api.defaultConfig(profile.id!);
      expect(res.status).toBe(200);
      const proposed = [
        ['uid', 'uid'],
        ['firstname', 'firstname'],
        ['lastname', 'lastname'],
        ['email', 'email'],
        ['displayName', 'displayName'],
      ];
      expect(res.data).toEqual({
        enabled: true,
        attributeTransforms: proposed.map(([identityAttributeName, attributeName]) => ({
          identityAttributeName,
          transformDefinition: {
            type: 'accountAttribute',
            attributes: { attributeName, sourceName: src.name, sourceId: src.id },
          },
        })),
      });
    });

    it('processes identities: the SDK sends an empty POST, gets 202 {} and a task', async () => {
      const { profile, source: src } = await newProfile(`${version} Processed`);
      const changed = await api.patch(profile.id!, [
        { op: 'add', path: '/identityAttributeConfig/attributeTransforms/-', value: mapping('email', 'mail', src) },
      ]);
      expect(changed.data.identityRefreshRequired).toBe(true);

      const mark = s.wire.length;
      const res = await api.process(profile.id!);
      expect(res.status).toBe(202);
      expect(res.data).toEqual({});
      const sent = s.since(mark)[0];
      expect(sent).toMatchObject({
        method: 'POST',
        url: `${api.prefix}/identity-profiles/${profile.id}/process-identities`,
      });
      // axios gives a bodyless POST its default form content type
      expect(sent.headers).toMatchObject({
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': '0',
      });

      const location = String(res.headers.location);
      expect(location).toMatch(new RegExp(`^${api.prefix}/task-status/[0-9a-f]{32}$`));
      const task = await waitForTask(s.t, location.split('/').pop()!);
      expect(task).toMatchObject({
        completionStatus: 'Success',
        target: { type: 'IDENTITY_PROFILE', id: profile.id, name: profile.name },
      });
      expect((await api.get(profile.id!)).data).toMatchObject({ identityRefreshRequired: false, identityCount: 0 });
    });

    it('previews an identity: 400 for an unknown identity (v2024 needs configuration.experimental)', async () => {
      const request = {
        identityId: 'ffffffffffffffffffffffffffffffff',
        identityAttributeConfig: { enabled: true, attributeTransforms: [mapping('email', 'mail')] },
      };
      const log = vi.spyOn(console, 'log').mockImplementation(() => {}); // "Warning: You are using Experimental APIs"
      if (version === 'v2024') {
        // the SDK itself refuses: v2024 sends X-SailPoint-Experimental, which needs opting in
        await expect(api.preview(request)).rejects.toThrow(/Experimental APIs/);
        s.config.experimental = true;
      }
      try {
        const mark = s.wire.length;
        const unknown = await failure(api.preview(request));
        expect(unknown.response!.status).toBe(400);
        expect(unknown.response!.data).toEqual(
          errorResponse('400.1 Bad Request Content', "Identity 'ffffffffffffffffffffffffffffffff' was not found."),
        );
        expect(s.since(mark)[0].headers['x-sailpoint-experimental']).toBe(version === 'v2024' ? 'true' : undefined);
      } finally {
        s.config.experimental = undefined;
        log.mockRestore();
      }
      const static_ = {
        ...request,
        identityAttributeConfig: {
          attributeTransforms: [
            { identityAttributeName: 'x', transformDefinition: { type: 'static', attributes: { value: 'v' } } },
          ],
        },
      };
      if (version !== 'v2024') {
        const refused = await failure(api.preview(static_));
        expect(refused.response!.data).toEqual(
          errorResponse('400.1 Bad Request Content', "transform type 'static' is not allowed"),
        );
      }
    });

    it('answers errors as ErrorResponseDto, readable from the axios error', async () => {
      const missing = 'ffffffffffffffffffffffffffffffff';
      const calls = [
        () => api.get(missing),
        () => api.patch(missing, [{ op: 'replace', path: '/description', value: 'x' }]),
        () => api.delete(missing),
        () => api.defaultConfig(missing),
        () => api.process(missing),
      ];
      for (const call of calls) {
        const e = await failure(call());
        expect(e.response!.status).toBe(404);
        expect(e.response!.headers['content-type']).toMatch(/^application\/json/);
        expect(e.response!.data).toEqual(
          errorResponse('404 Not found', `Identity profile '${missing}' was not found.`),
        );
      }
      const badFilter = await failure(api.list({ filters: 'priority gt 3' }));
      expect(badFilter.response!.status).toBe(400);
      expect(badFilter.response!.data).toEqual(errorResponse('400.1 Bad Request Content', /priority/));
      const exportOnlyEq = await failure(api.export({ filters: `name sw "${version}"` }));
      expect(exportOnlyEq.response!.status).toBe(400);
      await newProfile(`${version} Unique`);
      const duplicate = await failure(
        api.create({
          name: `${version} UNIQUE`,
          authoritativeSource: { type: 'SOURCE', id: (await s.newSource(`${version} dup`)).id },
        }),
      );
      expect(duplicate.response!.data).toEqual(
        errorResponse('400.1 Bad Request Content', `An identity profile named '${version} Unique' already exists`),
      );
      const noSource = await failure(
        api.create({ name: `${version} Sourceless`, authoritativeSource: { type: 'SOURCE', id: 'nope' } }),
      );
      expect(noSource.response!.data).toEqual(
        errorResponse('400.1 Bad Request Content', "The authoritative source 'nope' does not exist."),
      );
    });
  });
});
