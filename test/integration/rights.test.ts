/**
 * Rights, as data and as behaviour: every registered route is public or declares rights (and
 * refuses a request without a token); every identity-profile operation of every version declares
 * exactly the scopes and user levels of SailPoint's document for that version (decision 4); and
 * tokens get exactly what those declare — one listed scope suffices, `sp:scopes:all` grants all,
 * the token's `authorities` must hold one of the user levels when any are declared.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { apiClientRepository } from '../../src/db/repositories/clients.js';
import { hashSecret } from '../../src/domain/clients/secrets.js';
import { API_VERSIONS, type LifecycleStateOperation, type ProfileOperation } from '../../src/http/versions.js';
import type { TestApp } from '../helpers/app.js';
import { loadContract, type ContractOperation } from '../helpers/contract.js';
import {
  CONTRACTS_PRESENT,
  describeOnDatabases,
  newProfile,
  unknownId,
  uniq,
  VERSIONS,
  type Version,
} from './identity-profiles/helpers.js';

const READ = 'idn:identity-profile:read';
const MANAGE = 'idn:identity-profile:manage';
const DELETE = 'idn:identity-profile:delete';
const ALL = 'sp:scopes:all';
const DEFAULT = 'sp:scopes:default';
/** Routes anyone may call: health, the token endpoint and tenant info, the API reference, the console's assets (and `/`, its redirect). */
const PUBLIC_ROUTES = /^\/(health|oauth\/token|oauth\/info|docs(\/.*)?|ui(\/.*)?)?$/;

/** A request for each operation that passes authorization and then fails or succeeds harmlessly (unknown id, empty body). */
const PROBES: Record<
  ProfileOperation,
  (id: string) => { method: 'GET' | 'POST' | 'PATCH' | 'DELETE'; path: string; payload?: unknown; json?: string }
> = {
  listIdentityProfiles: () => ({ method: 'GET', path: '?limit=1' }),
  createIdentityProfile: () => ({ method: 'POST', path: '', payload: {} }),
  deleteIdentityProfiles: () => ({ method: 'POST', path: '/bulk-delete', payload: [] }),
  exportIdentityProfiles: () => ({ method: 'GET', path: '/export?limit=1' }),
  importIdentityProfiles: () => ({ method: 'POST', path: '/import', payload: [] }),
  identityPreview: () => ({ method: 'POST', path: '/identity-preview', payload: {} }),
  getIdentityProfile: (id) => ({ method: 'GET', path: `/${id}` }),
  deleteIdentityProfile: (id) => ({ method: 'DELETE', path: `/${id}` }),
  updateIdentityProfile: (id) => ({ method: 'PATCH', path: `/${id}`, json: '[]' }),
  getDefaultIdentityAttributeConfig: (id) => ({ method: 'GET', path: `/${id}/default-identity-attribute-config` }),
  syncIdentityProfile: (id) => ({ method: 'POST', path: `/${id}/process-identities` }),
};

/** The identity-profile operations of a version's document, each with our name for it. */
function documentOperations(v: Version): Array<{ name: ProfileOperation; doc: ContractOperation }> {
  const ours = API_VERSIONS.find((a) => a.name === v.name)!;
  return loadContract(v.name)
    .operations.filter((op) => op.tags.includes('Identity Profiles'))
    .map((doc) => {
      const name = (Object.keys(ours.operationIds) as ProfileOperation[]).find(
        (k) => ours.operationIds[k] === doc.operationId,
      );
      if (!name) throw new Error(`${v.name}: no operation of ours has the id ${doc.operationId}`);
      return { name, doc };
    });
}

/** Our route pattern for a document path: `/identity-profiles/{identity-profile-id}` → `/v3/identity-profiles/:id`. */
const routeUrl = (v: Version, docPath: string) =>
  `${loadContract(v.name).basePath}${docPath}`.replace(/\{[^}]+\}/g, ':id');

const sorted = (xs: readonly string[]) => [...xs].sort();

const STATE_READ = 'idn:identity-profile-lifecycle-state:read';
const STATE_MANAGE = 'idn:identity-profile-lifecycle-state:manage';

/** The lifecycle-state operations of a version's document (tag Lifecycle States), each with our name for it. */
function stateOperations(v: Version): Array<{ name: LifecycleStateOperation; doc: ContractOperation }> {
  const ours = API_VERSIONS.find((a) => a.name === v.name)!.lifecycleStates.operations;
  return loadContract(v.name)
    .operations.filter((op) => op.tags.includes('Lifecycle States'))
    .map((doc) => {
      const name = (Object.keys(ours) as LifecycleStateOperation[]).find(
        (k) => ours[k]!.operationId === doc.operationId,
      );
      if (!name) throw new Error(`${v.name}: no lifecycle-state operation of ours has the id ${doc.operationId}`);
      return { name, doc };
    });
}

/** Our route for a lifecycle-state path of the document: `{identity-profile-id}` → `:id`, `{lifecycle-state-id}` → `:stateId`. */
const stateRouteUrl = (v: Version, docPath: string) =>
  `${loadContract(v.name).basePath}${docPath}`
    .replace('{identity-profile-id}', ':id')
    .replace('{lifecycle-state-id}', ':stateId');

/** Calls one lifecycle-state operation (unknown profile and state: past authorization it is a 404 or 400). */
async function probeState(t: TestApp, v: Version, name: LifecycleStateOperation, token: string): Promise<number> {
  const byId = name === 'get' || name === 'update' || name === 'delete';
  const method = ({ list: 'GET', create: 'POST', get: 'GET', update: 'PATCH', delete: 'DELETE' } as const)[name];
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (name === 'update') headers['content-type'] = 'application/json-patch+json';
  const payload = name === 'update' ? '[]' : name === 'create' ? { name: 'x', technicalName: 'x' } : undefined;
  const res = await t.app.inject({
    method,
    url: `${v.base}/${unknownId()}/lifecycle-states${byId ? `/${unknownId()}` : ''}`,
    headers,
    payload,
  });
  return res.statusCode;
}
/** The per-service documents whose routes we serve, and the operations of each we implement (issue 16). */
const PER_SERVICE = ['sources', 'accounts', 'identities', 'transforms', 'task-status'] as const;
const PER_SERVICE_OPERATIONS: Record<(typeof PER_SERVICE)[number], string[]> = {
  sources: ['listSourcesV1', 'createSourceV1', 'getSourceV1', 'updateSourceV1', 'deleteSourceV1', 'importAccountsV1'],
  accounts: ['listAccountsV1', 'getAccountV1', 'enableAccountV1', 'disableAccountV1'],
  identities: ['listIdentitiesV1', 'getIdentityV1', 'startIdentityProcessingV1'],
  transforms: ['listTransformsV1', 'createTransformV1', 'getTransformV1', 'updateTransformV1', 'deleteTransformV1'],
  'task-status': ['getTaskStatusListV1', 'getTaskStatusV1'],
};

/** Calls one operation with a token; returns the status. */
async function probe(t: TestApp, v: Version, name: ProfileOperation, token: string, id = unknownId()): Promise<number> {
  const p = PROBES[name](id);
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (p.json !== undefined) headers['content-type'] = 'application/json-patch+json';
  const res = await t.app.inject({
    method: p.method,
    url: `${v.base}${p.path}`,
    headers,
    payload: p.json ?? (p.payload as object | undefined),
  });
  return res.statusCode;
}

/** A token for a client with an authority our CLI would not create (to exercise user levels). */
async function tokenWithAuthority(t: TestApp, authority: string, scopes: string[]): Promise<string> {
  const id = uniq('client').replace(/[^a-z0-9]/g, '');
  const secret = 'secret-for-rights-test';
  await apiClientRepository(t.services.database.db).insert({
    id,
    name: 'rights test',
    secretHash: await hashSecret(secret),
    authorities: [authority],
    scopes,
    created: new Date(),
    revokedAt: null,
  });
  const res = await t.app.inject({
    method: 'POST',
    url: `/oauth/token?grant_type=client_credentials&client_id=${id}&client_secret=${secret}`,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().access_token;
}

describeOnDatabases('rights', (app) => {
  describe('as declared on the routes', () => {
    it('every registered route is public or declares rights with at least one scope', () => {
      const routes = app().app.routeIndex.routes;
      expect(routes.length).toBeGreaterThan(100);
      const undeclared = routes
        .filter((r) => r.config.public !== true && !hasScopes(r.config.rights))
        .map((r) => `${r.method} ${r.url}`);
      expect(undeclared).toEqual([]);
    });

    it('only health, the OAuth endpoints, the API reference and the console are public', () => {
      const open = app().app.routeIndex.routes.filter((r) => r.config.public === true);
      expect(open.filter((r) => !PUBLIC_ROUTES.test(r.url)).map((r) => `${r.method} ${r.url}`)).toEqual([]);
      expect(open.map((r) => r.url)).toEqual(
        expect.arrayContaining(['/health', '/oauth/token', '/oauth/info', '/docs', '/docs/json']),
      );
    });

    it('every route that is not public refuses a request without a token (401)', async () => {
      const failures: string[] = [];
      for (const r of app().app.routeIndex.routes.filter((x) => x.config.public !== true)) {
        const url = r.url.replace(/:[\w-]+/g, 'x').replace(/\*/g, 'x');
        const res = await app().app.inject({ method: r.method as 'GET', url });
        if (res.statusCode !== 401) failures.push(`${r.method} ${url} → ${res.statusCode}`);
      }
      expect(failures).toEqual([]);
    });

    it.runIf(CONTRACTS_PRESENT).each(VERSIONS)(
      "$name: each identity-profile operation declares exactly the document's scopes and user levels",
      (v) => {
        const ops = documentOperations(v);
        expect(ops).toHaveLength(11);
        const routes = app().app.routeIndex.routes;
        for (const { name, doc } of ops) {
          const url = routeUrl(v, doc.path);
          const route = routes.find((r) => r.method === doc.method && r.url === url);
          expect(route, `${v.name} ${doc.method} ${url} is registered`).toBeDefined();
          const rights = route!.config.rights as { scopes: string[]; userLevels: string[] };
          expect({ scopes: sorted(rights.scopes), userLevels: sorted(rights.userLevels) }, `${v.name} ${name}`).toEqual(
            { scopes: sorted(doc.scopes), userLevels: sorted(doc.userLevels) },
          );
        }
      },
    );

    it.runIf(CONTRACTS_PRESENT).each(VERSIONS)(
      '$name: every identity-profile route we register is an operation of the document',
      (v) => {
        const expected = new Set(documentOperations(v).map(({ doc }) => `${doc.method} ${routeUrl(v, doc.path)}`));
        const ours = app()
          .app.routeIndex.routes.filter(
            (r) =>
              r.method !== 'HEAD' &&
              (r.url === v.base || r.url.startsWith(`${v.base}/`)) &&
              !r.url.includes('lifecycle-states'),
          )
          .map((r) => `${r.method} ${r.url}`);
        expect(ours.filter((r) => !expected.has(r))).toEqual([]);
      },
    );

    it.runIf(CONTRACTS_PRESENT).each(PER_SERVICE)(
      "%s: each per-service route declares exactly the document's scopes and user levels, and serves every operation we implement",
      (name) => {
        const doc = loadContract(`per-service/${name}.v1`);
        const routes = app().app.routeIndex.routes.filter(
          (r) => r.method !== 'HEAD' && r.url.startsWith(`/${name}/v1`),
        );
        expect(routes.length).toBeGreaterThan(0);
        const wrong: string[] = [];
        // /identities/v1/{id}/set-lifecycle-state is an operation of the lifecycle-states service
        const docs = name === 'identities' ? [doc, loadContract('per-service/lifecycle-states.v1')] : [doc];
        for (const route of routes) {
          const op = docs
            .flatMap((d) => d.operations)
            .find((o) => o.method === route.method && o.path.replace(/\{[^}]+\}/g, ':id') === route.url);
          if (!op) {
            wrong.push(`${route.method} ${route.url}: not an operation of ${name}.v1`);
            continue;
          }
          const rights = route.config.rights as { scopes: string[]; userLevels: string[] };
          // disableAccountV1 spells its levels x-sailpont-userLevels (none by the letter); we take enable's, as meant
          const levels =
            op.operationId === 'disableAccountV1'
              ? doc.operations.find((o) => o.operationId === 'enableAccountV1')!.userLevels
              : op.userLevels;
          const got = { scopes: sorted(rights.scopes), userLevels: sorted(rights.userLevels) };
          if (JSON.stringify(got) !== JSON.stringify({ scopes: sorted(op.scopes), userLevels: sorted(levels) }))
            wrong.push(`${op.operationId}: ${JSON.stringify(got)}`);
        }
        expect(wrong).toEqual([]);
        const served = new Set(routes.map((r) => `${r.method} ${r.url}`));
        expect(
          PER_SERVICE_OPERATIONS[name].filter((id) => {
            const op = doc.operations.find((o) => o.operationId === id)!;
            return !served.has(`${op.method} ${op.path.replace(/\{[^}]+\}/g, ':id')}`);
          }),
        ).toEqual([]);
      },
    );

    it('decision 4: beta deletes declare idn:identity-profile:delete, every other version manage', () => {
      const routes = app().app.routeIndex.routes;
      for (const v of VERSIONS) {
        const scope = v.name === 'beta' ? DELETE : MANAGE;
        for (const [method, url] of [
          ['DELETE', `${v.base}/:id`],
          ['POST', `${v.base}/bulk-delete`],
        ]) {
          expect(
            (routes.find((r) => r.method === method && r.url === url)?.config.rights as { scopes: string[] }).scopes,
            `${v.name} ${method} ${url}`,
          ).toEqual([scope]);
        }
      }
    });
  });

  describe.runIf(CONTRACTS_PRESENT)('lifecycle states', () => {
    it.each(VERSIONS)(
      '$name: each lifecycle-state operation of the document is a route with exactly its scopes and user levels',
      (v) => {
        const ops = stateOperations(v);
        expect(ops).toHaveLength(v.name === 'beta' ? 2 : 5);
        const routes = app().app.routeIndex.routes;
        for (const { name, doc } of ops) {
          const url = stateRouteUrl(v, doc.path);
          const route = routes.find((r) => r.method === doc.method && r.url === url);
          expect(route, `${v.name} ${doc.method} ${url} is registered`).toBeDefined();
          const rights = route!.config.rights as { scopes: string[]; userLevels: string[] };
          expect({ scopes: sorted(rights.scopes), userLevels: sorted(rights.userLevels) }, `${v.name} ${name}`).toEqual(
            { scopes: sorted(doc.scopes), userLevels: sorted(doc.userLevels) },
          );
        }
        const expected = new Set(ops.map(({ doc }) => `${doc.method} ${stateRouteUrl(v, doc.path)}`));
        const ours = routes
          .filter((r) => r.method !== 'HEAD' && r.url.startsWith(`${v.base}/:id/lifecycle-states`))
          .map((r) => `${r.method} ${r.url}`);
        expect(sorted(ours)).toEqual(sorted([...expected]));
      },
    );

    it.each(VERSIONS)(
      '$name: tokens get exactly what the document declares (scopes, and ORG_ADMIN where it is declared)',
      async (v) => {
        const t = app();
        const tokens: Record<string, string> = {};
        for (const scope of [STATE_READ, STATE_MANAGE, READ, MANAGE, ALL])
          tokens[scope] = await t.token({ scopes: [scope] });
        const apiAll = await t.token({ scopes: [ALL], authorities: ['API'] });
        const wrong: string[] = [];
        for (const { name, doc } of stateOperations(v)) {
          for (const scope of [STATE_READ, STATE_MANAGE, READ, MANAGE, ALL]) {
            const status = await probeState(t, v, name, tokens[scope]);
            const admitted = scope === ALL || doc.scopes.includes(scope);
            if ((status === 403) === admitted || status === 401) wrong.push(`${name} with ${scope}: ${status}`);
          }
          const api = await probeState(t, v, name, apiAll);
          if ((api === 403) !== (doc.userLevels.length > 0 && !doc.userLevels.includes('API')))
            wrong.push(`${name} with API authority: ${api}`);
        }
        expect(wrong).toEqual([]);
      },
    );
  });

  describe.runIf(CONTRACTS_PRESENT)('as enforced on tokens', () => {
    const tokens: Record<string, string> = {};
    beforeAll(async () => {
      for (const scope of [READ, MANAGE, DELETE, DEFAULT, ALL]) tokens[scope] = await app().token({ scopes: [scope] });
      tokens.api = await app().token({ scopes: [ALL], authorities: ['API'] });
      tokens.helpdesk = await tokenWithAuthority(app(), 'HELPDESK', [ALL]);
    });

    it.each(VERSIONS)(
      '$name: each operation admits a token holding any one of its scopes, or sp:scopes:all, and no other',
      async (v) => {
        const wrong: string[] = [];
        for (const { name, doc } of documentOperations(v)) {
          for (const scope of [READ, MANAGE, DELETE, DEFAULT, ALL]) {
            const status = await probe(app(), v, name, tokens[scope]);
            const admitted = scope === ALL || doc.scopes.includes(scope);
            if ((status === 403) === admitted || status === 401) wrong.push(`${name} with ${scope}: ${status}`);
          }
        }
        expect(wrong).toEqual([]);
      },
    );

    it.each(VERSIONS)(
      "$name: user levels come from the token's authorities (API admitted; other levels only where none are declared)",
      async (v) => {
        const wrong: string[] = [];
        for (const { name, doc } of documentOperations(v)) {
          const api = await probe(app(), v, name, tokens.api);
          if (api === 401 || api === 403) wrong.push(`${name} with API: ${api}`);
          const helpdesk = await probe(app(), v, name, tokens.helpdesk);
          if ((helpdesk === 403) !== doc.userLevels.length > 0)
            wrong.push(`${name} with HELPDESK (levels ${doc.userLevels.join(',') || 'none'}): ${helpdesk}`);
        }
        expect(wrong).toEqual([]);
      },
    );

    it('beta deletes need idn:identity-profile:delete; elsewhere manage, and delete is not enough', async () => {
      const beta = VERSIONS.find((x) => x.name === 'beta')!;
      for (const v of VERSIONS) {
        for (const op of ['deleteIdentityProfile', 'deleteIdentityProfiles'] as const) {
          const [withDelete, withManage] = [
            await probe(app(), v, op, tokens[DELETE]),
            await probe(app(), v, op, tokens[MANAGE]),
          ];
          expect({ v: v.name, op, withDelete: withDelete === 403, withManage: withManage === 403 }).toEqual({
            v: v.name,
            op,
            withDelete: v !== beta,
            withManage: v === beta,
          });
        }
      }
    });

    it.each(VERSIONS)(
      '$name: a read-only token lists, gets and exports, but gets 403 on create, patch and delete and changes nothing',
      async (v) => {
        const profile = await newProfile(app(), v);
        const auth = { authorization: `Bearer ${tokens[READ]}` };
        const inject = (
          method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
          path: string,
          payload?: string,
          type = 'application/json',
        ) =>
          app().app.inject({
            method,
            url: `${v.base}${path}`,
            headers: payload === undefined ? auth : { ...auth, 'content-type': type },
            payload,
          });
        const before = (await inject('GET', `/${profile.id}`)).body;
        expect((await inject('GET', '')).statusCode).toBe(200);
        expect((await inject('GET', `/${profile.id}`)).statusCode).toBe(200);
        expect((await inject('GET', '/export')).statusCode).toBe(200);
        const refused = [
          await inject(
            'POST',
            '',
            JSON.stringify({ name: uniq('ro'), authoritativeSource: profile.authoritativeSource }),
          ),
          await inject(
            'PATCH',
            `/${profile.id}`,
            '[{"op":"replace","path":"/description","value":"x"}]',
            'application/json-patch+json',
          ),
          await inject('DELETE', `/${profile.id}`),
          await inject('POST', '/bulk-delete', JSON.stringify([profile.id])),
        ];
        expect(refused.map((r) => r.statusCode)).toEqual([403, 403, 403, 403]);
        for (const r of refused) expect(r.json().detailCode).toBe('403 Forbidden');
        expect((await inject('GET', `/${profile.id}`)).body).toBe(before);
      },
    );

    it("the per-service layout enforces its documents' rights, the version prefixes keep theirs", async () => {
      const state = await app().token({ scopes: ['idn:accounts-state:manage'] });
      const call = async (method: 'GET' | 'POST', url: string, token: string) =>
        (
          await app().app.inject({
            method,
            url,
            headers: { authorization: `Bearer ${token}` },
            ...(method === 'POST' ? { payload: {} } : {}),
          })
        ).statusCode;
      const id = unknownId();
      expect({
        disableWithStateScope: await call('POST', `/accounts/v1/${id}/disable`, state),
        listWithStateScope: await call('GET', '/accounts/v1', state),
        v1TaskWithProfileScope: await call('GET', `/task-status/v1/${id}`, tokens[MANAGE]),
        v3TaskWithProfileScope: await call('GET', `/v3/task-status/${id}`, tokens[MANAGE]),
        // transforms.v1 declares ORG_ADMIN only; /v3/transforms has always admitted API as well
        v1TransformsAsApi: await call('GET', '/transforms/v1', tokens.api),
        v3TransformsAsApi: await call('GET', '/v3/transforms', tokens.api),
      }).toEqual({
        disableWithStateScope: 404,
        listWithStateScope: 403,
        v1TaskWithProfileScope: 403,
        v3TaskWithProfileScope: 404,
        v1TransformsAsApi: 403,
        v3TransformsAsApi: 200,
      });
    });

    it('sp:scopes:all grants every operation of every version', async () => {
      const statuses = [];
      for (const v of VERSIONS)
        for (const { name } of documentOperations(v))
          statuses.push(`${v.name} ${name} ${await probe(app(), v, name, tokens[ALL])}`);
      expect(statuses.filter((s) => / (401|403)$/.test(s))).toEqual([]);
    });

    it('a token with authority API and sp:scopes:all creates, patches, processes and deletes', async () => {
      const v = VERSIONS[0];
      const auth = { authorization: `Bearer ${tokens.api}` };
      const source = await app().app.inject({
        method: 'POST',
        url: '/v3/sources',
        headers: auth,
        payload: { name: uniq('api-src') },
      });
      expect(source.statusCode, source.body).toBe(201);
      const created = await app().app.inject({
        method: 'POST',
        url: v.base,
        headers: auth,
        payload: { name: uniq('api'), authoritativeSource: { type: 'SOURCE', id: source.json().id } },
      });
      expect(created.statusCode, created.body).toBe(201);
      const id = created.json().id;
      const patched = await app().app.inject({
        method: 'PATCH',
        url: `${v.base}/${id}`,
        headers: { ...auth, 'content-type': 'application/json-patch+json' },
        payload: '[{"op":"replace","path":"/description","value":"by API"}]',
      });
      expect([patched.statusCode, patched.json().description]).toEqual([200, 'by API']);
      expect(
        (await app().app.inject({ method: 'POST', url: `${v.base}/${id}/process-identities`, headers: auth }))
          .statusCode,
      ).toBe(202);
      expect((await app().app.inject({ method: 'DELETE', url: `${v.base}/${id}`, headers: auth })).statusCode).toBe(
        202,
      );
    });
  });
});

function hasScopes(rights: unknown): boolean {
  const r = rights as { scopes?: unknown; userLevels?: unknown } | undefined;
  return Array.isArray(r?.scopes) && r.scopes.length > 0 && Array.isArray(r.userLevels);
}
