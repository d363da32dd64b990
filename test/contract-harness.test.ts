/**
 * Tests for the contract-test harness (test/helpers/contract.ts) against SailPoint's bundled
 * documents in ../shared/openapi. Expectations come from ../shared/docs/spec.md §3 (operations,
 * scopes, user levels), §5 (schemas), §6 (standard responses) and §10 (example IdentityProfile).
 */
import { describe, expect, it } from 'vitest';
import {
  contractFile,
  contractVersions,
  expectContract,
  loadContract,
  perServiceDocumentFor,
  perServiceDocuments,
  sharedDir,
  type ContractDocument,
  type ContractVersion,
} from './helpers/contract.js';
import { toJsonPath, toJsonSchema } from './helpers/contract-schema.js';

const missing = contractVersions.filter((v) => !contractFile(v));
const SKIP_REASON = !sharedDir()
  ? '../shared (SailPoint OpenAPI documents) is not present next to the repo root'
  : missing.length > 0
    ? `../shared/openapi lacks identity-profiles.{${missing.join(',')}}.yaml`
    : undefined;
const suite = SKIP_REASON ? describe.skip : describe;
if (SKIP_REASON) console.warn(`contract-harness.test.ts skipped: ${SKIP_REASON}`);

const READ = 'idn:identity-profile:read';
const MANAGE = 'idn:identity-profile:manage';
const DELETE = 'idn:identity-profile:delete';
const LCS_READ = 'idn:identity-profile-lifecycle-state:read';
const LCS_MANAGE = 'idn:identity-profile-lifecycle-state:manage';
const ID = '/{identity-profile-id}';

/** Document template for a path below the identity-profiles root (`''`, `/export`, `/{identity-profile-id}` ...). */
const tpl = (v: ContractVersion, suffix: string): string =>
  (v === 'v1' ? '/identity-profiles/v1' : '/identity-profiles') + suffix;
/** Concrete request path as a client sends it. */
const url = (v: ContractVersion, suffix: string): string =>
  (v === 'v1' ? '/identity-profiles/v1' : `/${v}/identity-profiles`) + suffix;

const PREVIEW_OP: Record<ContractVersion, string> = {
  v3: 'showIdentityPreview',
  beta: 'showGenerateIdentityPreview',
  v2024: 'generateIdentityPreview',
  v2025: 'generateIdentityPreview',
  v2026: 'generateIdentityPreview',
  v1: 'generateIdentityPreviewV1',
};

interface ExpectedOp {
  method: string;
  suffix: string;
  opId: string;
  success: string;
  scopes: string[];
  betaScopes?: string[];
  userLevels: string[];
  has404: boolean;
  betaHas404?: boolean;
  contentTypes: string[];
}
const LEVELS = ['ORG_ADMIN', 'API'];
const JSON_CT = ['application/json'];
/** spec.md §3, rows 1–11 plus the beta deltas. */
const IDENTITY_PROFILE_OPS: ExpectedOp[] = [
  {
    method: 'GET',
    suffix: '',
    opId: 'listIdentityProfiles',
    success: '200',
    scopes: [READ],
    userLevels: LEVELS,
    has404: false,
    contentTypes: [],
  },
  {
    method: 'POST',
    suffix: '',
    opId: 'createIdentityProfile',
    success: '201',
    scopes: [MANAGE],
    userLevels: LEVELS,
    has404: false,
    contentTypes: JSON_CT,
  },
  {
    method: 'POST',
    suffix: '/bulk-delete',
    opId: 'deleteIdentityProfiles',
    success: '202',
    scopes: [MANAGE],
    betaScopes: [DELETE],
    userLevels: LEVELS,
    has404: false,
    contentTypes: JSON_CT,
  },
  {
    method: 'GET',
    suffix: '/export',
    opId: 'exportIdentityProfiles',
    success: '200',
    scopes: [READ],
    betaScopes: [READ, MANAGE],
    userLevels: [],
    has404: false,
    betaHas404: true,
    contentTypes: [],
  },
  {
    method: 'POST',
    suffix: '/import',
    opId: 'importIdentityProfiles',
    success: '200',
    scopes: [MANAGE],
    userLevels: [],
    has404: false,
    contentTypes: JSON_CT,
  },
  {
    method: 'POST',
    suffix: '/identity-preview',
    opId: '(preview)',
    success: '200',
    scopes: [MANAGE],
    userLevels: LEVELS,
    has404: false,
    contentTypes: JSON_CT,
  },
  {
    method: 'GET',
    suffix: ID,
    opId: 'getIdentityProfile',
    success: '200',
    scopes: [READ],
    betaScopes: [READ, MANAGE],
    userLevels: LEVELS,
    has404: true,
    contentTypes: [],
  },
  {
    method: 'DELETE',
    suffix: ID,
    opId: 'deleteIdentityProfile',
    success: '202',
    scopes: [MANAGE],
    betaScopes: [DELETE],
    userLevels: LEVELS,
    has404: true,
    contentTypes: [],
  },
  {
    method: 'PATCH',
    suffix: ID,
    opId: 'updateIdentityProfile',
    success: '200',
    scopes: [MANAGE],
    userLevels: LEVELS,
    has404: true,
    contentTypes: ['application/json-patch+json'],
  },
  {
    method: 'GET',
    suffix: `${ID}/default-identity-attribute-config`,
    opId: 'getDefaultIdentityAttributeConfig',
    success: '200',
    scopes: [MANAGE],
    userLevels: LEVELS,
    has404: true,
    contentTypes: [],
  },
  {
    method: 'POST',
    suffix: `${ID}/process-identities`,
    opId: 'syncIdentityProfile',
    success: '202',
    scopes: [MANAGE],
    betaScopes: [READ, MANAGE],
    userLevels: LEVELS,
    has404: true,
    contentTypes: [],
  },
];

/** spec.md §10. */
const EXAMPLE_PROFILE = {
  id: 'id12345',
  name: 'aName',
  created: '2015-05-28T14:07:17Z',
  modified: '2015-05-28T14:07:17Z',
  description: 'My custom flat file profile',
  owner: { type: 'IDENTITY', id: '2c9180835d191a86015d28455b4b232a', name: 'William Wilson' },
  priority: 10,
  authoritativeSource: { type: 'SOURCE', id: '2c9180835d191a86015d28455b4b232a', name: 'HR Active Directory' },
  identityRefreshRequired: true,
  identityCount: 8,
  identityAttributeConfig: {
    enabled: true,
    attributeTransforms: [
      {
        identityAttributeName: 'email',
        transformDefinition: {
          type: 'accountAttribute',
          attributes: { attributeName: 'e-mail', sourceName: 'MySource', sourceId: '2c9180877a826e68017a8c0b03da1a53' },
        },
      },
    ],
  },
  identityExceptionReportReference: {
    taskResultId: '2b838de9-db9b-abcf-e646-d4f274ad4238',
    reportName: 'My annual report',
  },
  hasTimeBasedAttr: true,
};
const ERROR_BODY = {
  detailCode: '400.1 Bad Request Content',
  trackingId: 'e7eab60924f64aa284175b9fa3309599',
  messages: [
    {
      locale: 'en-US',
      localeOrigin: 'DEFAULT',
      text: 'The request was syntactically correct but its content is semantically invalid.',
    },
  ],
  causes: [],
};
const TASK = {
  id: 'ff8081814d977c21014da056804a0af3',
  name: 'Background Object Terminator',
  description: 'delete',
  launcher: 'support',
  launched: '2023-08-21T19:55:39Z',
  completed: '2023-08-21T19:57:39.123Z',
  completionStatus: 'Success',
};

suite(SKIP_REASON ? `contract harness — SKIPPED: ${SKIP_REASON}` : 'contract harness', () => {
  describe('shared folder and helpers', () => {
    it('sharedDir() is the absolute ../shared next to the repo root, and undefined where absent', () => {
      expect(sharedDir()).toMatch(/^\/.*\/shared$/);
      expect(sharedDir('/nonexistent-idprofiles-root/repo')).toBeUndefined();
      expect(contractVersions).toEqual(['v3', 'beta', 'v2024', 'v2025', 'v2026', 'v1']);
    });

    it('loadContract caches per version', () => {
      expect(loadContract('v3')).toBe(loadContract('v3'));
    });

    it('toJsonPath renders JSON pointers as JSON paths', () => {
      expect(toJsonPath('')).toBe('$');
      expect(toJsonPath('/a/0/b~1c/d~0e')).toBe('$.a[0]["b/c"]["d~e"]');
    });

    it('toJsonSchema translates the OpenAPI 3.0 dialect', () => {
      const map = (ref: string) => `x${ref}`;
      expect(toJsonSchema({ type: 'string', nullable: true, enum: ['A'], example: 'A', 'x-foo': 1 }, map)).toEqual({
        type: ['string', 'null'],
        enum: ['A', null],
      });
      expect(toJsonSchema({ $ref: '#/components/schemas/X', description: 'sibling' }, map)).toEqual({
        $ref: 'x#/components/schemas/X',
      });
      expect(toJsonSchema({ type: 'integer', minimum: 0, exclusiveMinimum: true }, map)).toEqual({
        type: 'integer',
        exclusiveMinimum: 0,
      });
      expect(() => toJsonSchema({ type: 'string', patternProperties: {} }, map)).toThrow(
        /unsupported OpenAPI schema keyword "patternProperties"/,
      );
    });
  });

  describe.each(contractVersions)('%s', (v) => {
    const c = () => loadContract(v);
    const getById = () => tpl(v, ID);
    const check = (method: string, suffix: string, status: number, body: unknown) =>
      c().validateResponse(method, tpl(v, suffix), status, body);

    it('loads every operation with the version base path', () => {
      expect(c().operations).toHaveLength(v === 'beta' ? 13 : 16);
      expect(c().basePath).toBe(v === 'v1' ? '' : `/${v}`);
      expect(new Set(c().operations.map((o) => `${o.method} ${o.path}`)).size).toBe(c().operations.length);
    });

    it.each(IDENTITY_PROFILE_OPS)(
      '$method $suffix: operationId, scopes, user levels, responses, content types',
      (e) => {
        const op = c().getOperation(e.method, tpl(v, e.suffix));
        expect(op, `${e.method} ${tpl(v, e.suffix)}`).toBeDefined();
        const opId = e.opId === '(preview)' ? PREVIEW_OP[v] : v === 'v1' ? `${e.opId}V1` : e.opId;
        expect(op!.operationId).toBe(opId);
        expect([...op!.scopes].sort()).toEqual([...(v === 'beta' && e.betaScopes ? e.betaScopes : e.scopes)].sort());
        expect(op!.securityInherited).toBe(false);
        expect(op!.userLevels).toEqual(e.userLevels);
        const errors = [
          '400',
          '401',
          '403',
          ...((v === 'beta' && e.betaHas404) || e.has404 ? ['404'] : []),
          '429',
          '500',
        ];
        expect(op!.responses).toEqual([e.success, ...errors]);
        expect(op!.requestContentTypes).toEqual(e.contentTypes);
        expect(op!.requestBodyRequired).toBe(e.contentTypes.length > 0);
      },
    );

    it('lifecycle-state operations nested under the profile', () => {
      const lcs = c().operations.filter((o) => o.path.includes('/lifecycle-states'));
      if (v === 'beta') {
        // spec.md §3b: GET and PATCH by id only, no security declared → the global sp:scopes:all applies.
        expect(lcs.map((o) => `${o.method} ${o.operationId}`).sort()).toEqual([
          'GET getLifecycleStates',
          'PATCH updateLifecycleStates',
        ]);
        for (const o of lcs)
          expect([o.securityInherited, o.scopes, o.userLevels]).toEqual([true, ['sp:scopes:all'], []]);
        return;
      }
      expect(lcs).toHaveLength(5);
      for (const o of lcs) {
        expect(o.scopes).toEqual([o.method === 'GET' ? LCS_READ : LCS_MANAGE]);
        expect(o.userLevels).toEqual(['ORG_ADMIN']);
      }
      expect(c().matchOperation('DELETE', url(v, '/abc/lifecycle-states/def'))?.operationId).toBe(
        v === 'v1' ? 'deleteLifecycleStateV1' : 'deleteLifecycleState',
      );
    });

    it('matchOperation strips the version prefix and prefers literal segments over parameters', () => {
      const m = (method: string, suffix: string) => c().matchOperation(method, url(v, suffix))?.path;
      expect(m('GET', '/export')).toBe(tpl(v, '/export'));
      expect(m('GET', '/export?limit=10&filters=name%20eq%20%22x%22')).toBe(tpl(v, '/export'));
      expect(m('POST', '/bulk-delete')).toBe(tpl(v, '/bulk-delete'));
      expect(m('GET', '/ef38f94347e94562b5bb8424a56397d8')).toBe(getById());
      expect(m('POST', '/abc/process-identities')).toBe(tpl(v, `${ID}/process-identities`));
      expect(m('GET', '')).toBe(tpl(v, ''));
      // Matching is per method, like the router: no DELETE on /export, so that is DELETE {id} with id "export".
      expect(m('DELETE', '/export')).toBe(getById());
      expect(m('PUT', '/abc')).toBeUndefined();
      expect(m('GET', '/abc/unknown')).toBeUndefined();
      expect(c().matchOperation('GET', '/identity-profiles/export')?.path).toBe(
        v === 'v1' ? undefined : tpl(v, '/export'),
      );
    });

    it("accepts the spec's example IdentityProfile for GET by id, list, create and update", () => {
      expect(check('GET', ID, 200, EXAMPLE_PROFILE)).toEqual({ valid: true, errors: [] });
      expect(check('GET', '', 200, [EXAMPLE_PROFILE, { name: 'minimal', authoritativeSource: {} }]).valid).toBe(true);
      expect(check('POST', '', 201, EXAMPLE_PROFILE).valid).toBe(true);
      expect(check('PATCH', ID, 200, EXAMPLE_PROFILE).valid).toBe(true);
      expect(
        c().validateResponse('GET', getById(), 200, EXAMPLE_PROFILE, 'application/json; charset=utf-8').valid,
      ).toBe(true);
    });

    it('rejects a profile without authoritativeSource, or with a wrong authoritativeSource type', () => {
      const { authoritativeSource: _omit, ...noSource } = EXAMPLE_PROFILE;
      const r = check('GET', ID, 200, noSource);
      expect(r.valid).toBe(false);
      expect(r.errors.join('\n')).toMatch(/\$: must have required property 'authoritativeSource'/);
      const wrongType = check('GET', ID, 200, {
        ...EXAMPLE_PROFILE,
        authoritativeSource: { type: 'IDENTITY', id: 'x' },
      });
      expect(wrongType.errors.join('\n')).toMatch(
        /\$\.authoritativeSource\.type: must be equal to one of the allowed values \["SOURCE"\]/,
      );
      expect(check('GET', ID, 200, { ...EXAMPLE_PROFILE, authoritativeSource: 'src' }).valid).toBe(false);
      // Contract quirk: none of authoritativeSource's own fields is required, so omitting `type` passes.
      expect(check('GET', ID, 200, { ...EXAMPLE_PROFILE, authoritativeSource: { id: 'x' } }).valid).toBe(true);
    });

    it('rejects a priority of the wrong type', () => {
      for (const priority of ['10', 1.5, true, null]) {
        const r = check('GET', ID, 200, { ...EXAMPLE_PROFILE, priority });
        expect(r.valid, JSON.stringify(priority)).toBe(false);
        expect(r.errors[0]).toMatch(/^\$\.priority: must be integer/);
      }
    });

    it('rejects a non-array list response, and points at the broken item of an array', () => {
      expect(check('GET', '', 200, EXAMPLE_PROFILE).errors).toEqual([expect.stringMatching(/^\$: must be array/)]);
      expect(check('GET', '/export', 200, {}).valid).toBe(false);
      const r = check('GET', '', 200, [EXAMPLE_PROFILE, { ...EXAMPLE_PROFILE, identityCount: 'many' }]);
      expect(r.errors).toEqual([expect.stringMatching(/^\$\[1\]\.identityCount: must be integer \(got "many"\)/)]);
    });

    it('nullable fields accept null; others do not', () => {
      const nulls = { name: null, description: null, owner: null, identityExceptionReportReference: null };
      expect(check('GET', ID, 200, { ...EXAMPLE_PROFILE, ...nulls })).toEqual({ valid: true, errors: [] });
      expect(check('GET', ID, 200, { ...EXAMPLE_PROFILE, identityAttributeConfig: null }).valid).toBe(false);
      expect(check('GET', ID, 200, { ...EXAMPLE_PROFILE, hasTimeBasedAttr: null }).valid).toBe(false);
      // spec.md §4: TransformDefinition.attributes is nullable only in beta.
      const nullAttrs = {
        ...EXAMPLE_PROFILE,
        identityAttributeConfig: { attributeTransforms: [{ transformDefinition: { type: 't', attributes: null } }] },
      };
      expect(check('GET', ID, 200, nullAttrs).valid).toBe(v === 'beta');
    });

    it('standard error responses: ErrorResponseDto, 401 {error}, 429 {message}', () => {
      for (const status of [400, 401, 403, 404, 429, 500])
        expect(c().getOperation('GET', getById())!.responses).toContain(String(status));
      for (const status of [400, 403, 404, 500]) {
        expect(check('GET', ID, status, ERROR_BODY).valid).toBe(true);
        const nullLocale = { ...ERROR_BODY, messages: [{ locale: null, localeOrigin: null, text: 'x' }] };
        expect(check('GET', ID, status, nullLocale).valid).toBe(true);
        const r = check('GET', ID, status, { ...ERROR_BODY, messages: 'oops' });
        expect(r.errors).toEqual([expect.stringMatching(/^\$\.messages: must be array \(got "oops"\)/)]);
      }
      expect(check('GET', ID, 400, { ...ERROR_BODY, causes: [{ localeOrigin: 'OTHER' }] }).errors[0]).toMatch(
        /^\$\.causes\[0\]\.localeOrigin: must be equal to one of the allowed values/,
      );
      expect(check('GET', ID, 401, { error: 'JWT validation failed: JWT is expired' }).valid).toBe(true);
      expect(check('POST', '/import', 429, { message: ' Rate Limit Exceeded ' }).valid).toBe(true);
      expect(check('GET', ID, 401, 'JWT validation failed').valid).toBe(false);
      expect(check('GET', ID, 429, [' Rate Limit Exceeded ']).valid).toBe(false);
    });

    it("the documents' own error examples validate", () => {
      const responses: Record<string, any> = c().document.components.responses;
      for (const [status, response] of Object.entries(responses)) {
        for (const example of Object.values<any>(response.content?.['application/json']?.examples ?? {})) {
          expect(check('GET', ID, Number(status), example.value), `${status} example`).toEqual({
            valid: true,
            errors: [],
          });
        }
      }
    });

    it('undeclared status or content type fails; unknown operation throws', () => {
      expect(check('GET', '', 404, ERROR_BODY)).toEqual({
        valid: false,
        errors: [`status 404 is not declared for GET ${tpl(v, '')} (declared: 200, 400, 401, 403, 429, 500)`],
      });
      expect(check('POST', '', 409, ERROR_BODY).valid).toBe(false);
      const html = c().validateResponse('GET', getById(), 200, '<html>', 'text/html');
      expect(html.errors[0]).toMatch(/content type text\/html is not declared \(declared: application\/json\)/);
      expect(() => check('PUT', ID, 200, {})).toThrow(/no operation PUT/);
      expect(() => c().validateResponse('GET', url(v, '/abc'), 200, {})).toThrow(/no operation GET/);
    });

    it('deletes return TaskResultSimplified with RFC 3339 dates (not the examples\' "Mon Aug 21 ..." form)', () => {
      expect(check('DELETE', ID, 202, TASK)).toEqual({ valid: true, errors: [] });
      expect(check('POST', '/bulk-delete', 202, TASK).valid).toBe(true);
      const specExample = check('DELETE', ID, 202, { ...TASK, completed: 'Mon Aug 21 14:57:39 CDT 2023' });
      expect(specExample.errors).toEqual([expect.stringMatching(/^\$\.completed: must match format "date-time"/)]);
      expect(check('DELETE', ID, 202, { ...TASK, launched: '2023-08-21T19:55:39' }).valid).toBe(false); // no time zone
      expect(check('DELETE', ID, 202, { ...TASK, completionStatus: 'Done' }).valid).toBe(false);
    });

    it('process-identities 202 is an object; default config is an IdentityAttributeConfig', () => {
      expect(check('POST', `${ID}/process-identities`, 202, {}).valid).toBe(true);
      expect(check('POST', `${ID}/process-identities`, 202, []).valid).toBe(false);
      expect(
        check('GET', `${ID}/default-identity-attribute-config`, 200, EXAMPLE_PROFILE.identityAttributeConfig).valid,
      ).toBe(true);
      expect(check('GET', `${ID}/default-identity-attribute-config`, 200, { enabled: 'yes' }).valid).toBe(false);
    });

    it('export items and the import result', () => {
      const exported = {
        version: 1,
        self: { type: 'IDENTITY_PROFILE', id: 'ef38f94347e94562b5bb8424a56397d8', name: 'aName' },
        object: EXAMPLE_PROFILE,
      };
      expect(check('GET', '/export', 200, [exported]).valid).toBe(true);
      expect(c().validateRequest('POST', tpl(v, '/import'), [exported]).valid).toBe(true);
      // spec.md §4: only beta's self.type enum lists CONNECTOR_RULE.
      expect(check('GET', '/export', 200, [{ ...exported, self: { type: 'CONNECTOR_RULE' } }]).valid).toBe(
        v === 'beta',
      );
      const result = {
        infos: [],
        warnings: [{ key: 'K', text: 't', details: {} }],
        errors: [],
        importedObjects: [{ type: 'IDENTITY_PROFILE', id: 'x', name: 'n' }],
      };
      expect(check('POST', '/import', 200, result).valid).toBe(true);
      const { importedObjects: _omit, ...partial } = result;
      expect(check('POST', '/import', 200, partial).errors[0]).toMatch(/must have required property 'importedObjects'/);
      expect(check('POST', '/import', 200, { ...result, warnings: [{ key: 'K', text: 't' }] }).errors[0]).toMatch(
        /^\$\.warnings\[0\]: must have required property 'details'/,
      );
    });

    it('format uuid accepts RFC 4122 and 32-hex ids, nothing else', () => {
      const preview = (identityId: unknown) => c().validateRequest('POST', tpl(v, '/identity-preview'), { identityId });
      expect(preview('2c9180857893f12901789445619b0366').valid).toBe(true);
      expect(preview('2b838de9-db9b-abcf-e646-d4f274ad4238').valid).toBe(true);
      expect(preview('2c9180857893f129').errors[0]).toMatch(/^\$\.identityId: must match format "uuid"/);
      const response = {
        identity: { type: 'IDENTITY', id: 'x', name: 'n' },
        previewAttributes: [{ name: 'email', value: 'a@b.c', errorMessages: [ERROR_BODY.messages[0]] }],
      };
      expect(check('POST', '/identity-preview', 200, response).valid).toBe(true);
    });

    it('validateRequest checks bodies, content types and required-ness', () => {
      const req = (method: string, suffix: string, body: unknown, ct?: string) =>
        c().validateRequest(method, tpl(v, suffix), body, ct);
      expect(req('POST', '', { name: 'HR', authoritativeSource: { type: 'SOURCE', id: 'x' } })).toEqual({
        valid: true,
        errors: [],
      });
      expect(req('POST', '', { name: null, authoritativeSource: {} }).valid).toBe(true);
      expect(req('POST', '', { authoritativeSource: {} }).errors[0]).toMatch(/must have required property 'name'/);
      expect(
        req('PATCH', ID, [
          { op: 'replace', path: '/priority', value: 20 },
          { op: 'remove', path: '/description' },
        ]).valid,
      ).toBe(true);
      expect(req('PATCH', ID, [{ op: 'replace', value: 'x' }]).errors[0]).toMatch(
        /^\$\[0\]: must have required property 'path'/,
      );
      expect(req('PATCH', ID, [{ op: 'merge', path: '/a' }]).valid).toBe(false);
      expect(req('PATCH', ID, [{ op: 'add', path: '/a' }], 'application/json').errors[0]).toMatch(
        /content type application\/json is not declared/,
      );
      expect(req('POST', '/bulk-delete', ['2c9180867b2a34e0017b3078d60b0699']).valid).toBe(true);
      expect(req('POST', '/bulk-delete', [1]).errors[0]).toMatch(/^\$\[0\]: must be string/);
      expect(req('POST', '/bulk-delete', undefined).errors[0]).toMatch(/a request body is required/);
      expect(req('GET', ID, { a: 1 }).errors[0]).toMatch(/declares no request body/);
      expect(req('GET', ID, undefined).valid).toBe(true);
    });

    if (v === 'v2025' || v === 'v2026' || v === 'v1') {
      it('LifecycleState.identityState: a nullable enum whose enum lacks null still accepts null', () => {
        const path = tpl(v, `${ID}/lifecycle-states/{lifecycle-state-id}`);
        const state = { name: 'Active', technicalName: 'active', identityState: null };
        expect(c().validateResponse('GET', path, 200, state).valid).toBe(true);
        expect(c().validateResponse('GET', path, 200, { ...state, identityState: 'ACTIVE' }).valid).toBe(true);
        expect(c().validateResponse('GET', path, 200, { ...state, identityState: 'BOGUS' }).valid).toBe(false);
      });
    }
  });

  describe('expectContract', () => {
    it('passes a valid response and returns the matched operation', () => {
      expect(
        expectContract('v3', 'GET', '/v3/identity-profiles/ef38f94347e94562b5bb8424a56397d8', 200, EXAMPLE_PROFILE)
          .operationId,
      ).toBe('getIdentityProfile');
      expect(expectContract('v1', 'get', '/identity-profiles/v1/export?limit=1', 200, []).operationId).toBe(
        'exportIdentityProfilesV1',
      );
      expect(expectContract('beta', 'POST', '/beta/identity-profiles/abc/process-identities', 202, {}).scopes).toEqual([
        READ,
        MANAGE,
      ]);
    });

    it('throws a readable error listing each problem with its JSON path', () => {
      const broken = { ...EXAMPLE_PROFILE, priority: 'high', authoritativeSource: undefined };
      let message = '';
      try {
        expectContract('v2025', 'GET', '/v2025/identity-profiles/abc', 200, broken);
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toContain(
        'response does not match SailPoint contract v2025: GET /v2025/identity-profiles/abc → 200 (getIdentityProfile, /identity-profiles/{identity-profile-id})',
      );
      expect(message).toContain(
        `  - $: must have required property 'authoritativeSource' [#/components/schemas/IdentityProfile/allOf/1 required]`,
      );
      expect(message).toContain(
        '  - $.priority: must be integer (got "high") [#/components/schemas/IdentityProfile/allOf/1/properties/priority type]',
      );
      expect(message).toMatch(/\n {2}body: \{"id":"id12345"/);
    });

    it('throws for an undeclared status and for an unmatched path', () => {
      expect(() => expectContract('v3', 'GET', '/v3/identity-profiles', 404, ERROR_BODY)).toThrow(
        /status 404 is not declared for GET \/identity-profiles/,
      );
      expect(() => expectContract('v3', 'GET', '/v3/sources', 200, [])).toThrow(
        /no operation matches GET \/v3\/sources/,
      );
      expect(() => expectContract('v1', 'GET', '/v3/identity-profiles', 200, [])).toThrow(/no operation matches/);
    });
  });
  describe('the per-service and other per-version documents', () => {
    const others: ContractDocument[] = [
      ...perServiceDocuments.map((d) => `per-service/${d}.v1` as const),
      ...(['v3', 'beta', 'v2024', 'v2025', 'v2026'] as const).map((v) => `identities-lifecycle.${v}` as const),
    ];

    it.each(others)("%s loads, and every operation's declared responses compile", (name) => {
      const c = loadContract(name);
      expect(c.operations.length).toBeGreaterThan(0);
      expect(c.basePath).toBe(name.startsWith('per-service/') ? '' : `/${name.split('.')[1]}`);
      for (const op of c.operations) {
        for (const status of op.responses) {
          // validating anything compiles the schema (an unsupported construct throws); the result itself is not the point
          expect(() => c.validateResponse(op.method, op.path, status, {})).not.toThrow();
        }
      }
    });

    it('finds the per-service document of a concrete path', () => {
      expect(perServiceDocumentFor('/sources/v1/abc/load-accounts')).toBe('per-service/sources.v1');
      expect(perServiceDocumentFor('/task-status/v1?limit=1')).toBe('per-service/task-status.v1');
      expect(perServiceDocumentFor('/v3/sources')).toBeUndefined();
      expect(perServiceDocumentFor('/identity-profiles/v1')).toBeUndefined();
      expect(
        expectContract('per-service/accounts.v1', 'POST', '/accounts/v1/abc/disable', 202, { id: 'x' }).operationId,
      ).toBe('disableAccountV1');
    });

    it('reads allOf: [X, {nullable: true}] as "X or null" (sources.v1 managerCorrelationMapping), and nothing else as nullable', () => {
      const c = loadContract('per-service/sources.v1');
      const source = { id: 'x', name: 'HR', owner: null, connector: 'delimited-file' };
      expect(
        c.validateResponse('GET', '/sources/v1/{id}', 200, { ...source, managerCorrelationMapping: null }).valid,
      ).toBe(true);
      expect(
        c.validateResponse('GET', '/sources/v1/{id}', 200, { ...source, managerCorrelationMapping: 'HR' }).valid,
      ).toBe(false);
      expect(c.validateResponse('GET', '/sources/v1/{id}', 200, { ...source, description: null }).errors).toEqual([
        '$.description: must be string (got null) [#/components/schemas/source/properties/description type]',
      ]);
    });

    it("reads transforms.v1's oneOf of attribute schemas as anyOf (by the letter no transform validates), and still refuses a wrong kind", () => {
      const c = loadContract('per-service/transforms.v1');
      const transform = { id: 'x', name: 'Lower', type: 'lower', internal: false };
      expect(
        c.validateResponse('GET', '/transforms/v1/{id}', 200, {
          ...transform,
          attributes: { input: { type: 'static', attributes: { value: 'A' } } },
        }).valid,
      ).toBe(true);
      expect(c.validateResponse('GET', '/transforms/v1/{id}', 200, { ...transform, attributes: 'lower' }).valid).toBe(
        false,
      );
      expect(
        c.validateResponse('GET', '/transforms/v1/{id}', 200, { ...transform, type: 'nosuchtype', attributes: {} })
          .valid,
      ).toBe(false);
    });
  });
});
