/**
 * Bad input of every kind gets a clear 4xx in ISC's shape and changes nothing. A few profiles are
 * created, the stored state is read (every profile, the list and export in two versions, sources,
 * audit and task counts), then every case is sent; at the end the state must read byte-for-byte
 * the same, and no case may have been answered with a 5xx.
 *
 * Each answer is validated against the v3 document when it declares that status for the operation,
 * otherwise it must still be a well-formed ErrorResponseDto. Cases marked `it.fails` are known bugs
 * outside the HTTP layer, each named in its comment.
 */
import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { TestApp } from '../helpers/app.js';
import { expectContract, loadContract } from '../helpers/contract.js';
import {
  CONTRACTS_PRESENT,
  describeOnDatabases,
  newProfile,
  newSource,
  unknownId,
  uniq,
  VERSIONS,
} from './identity-profiles/helpers.js';

const P = '/v3/identity-profiles';
const JSON_TYPE = 'application/json';
const PATCH_TYPE = 'application/json-patch+json';

interface Case {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  body?: string | Buffer;
  type?: string;
  status: number;
  /** What the error text (messages and causes) must say. */
  says?: RegExp;
}

/** Every status seen per database, to assert at the end that none was a 5xx. */
const seen: Record<string, string[]> = {};

async function send(t: TestApp, c: Case): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { ...(await t.admin()) };
  if (c.type) headers['content-type'] = c.type;
  const res = await t.app.inject({ method: c.method, url: c.url, headers, payload: c.body });
  (seen[t.kind] ??= []).push(`${res.statusCode} ${c.method} ${c.url.slice(0, 80)}`);
  return res;
}

/** The answer is `status` in ISC's shape (the document's schema where it declares the status) and says `says`. */
function expectIscError(res: LightMyRequestResponse, c: Case): void {
  expect(res.statusCode, res.body).toBe(c.status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.json();
  const path = c.url.split('?')[0];
  const op = CONTRACTS_PRESENT ? loadContract('v3').matchOperation(c.method, path) : undefined;
  if (op?.responses.includes(String(c.status))) expectContract('v3', c.method, path, c.status, body);
  expect(body).toEqual({
    detailCode: expect.stringMatching(new RegExp(`^${c.status}`)),
    trackingId: expect.stringMatching(/^[0-9a-f]{32}$/),
    messages: [{ locale: 'en-US', localeOrigin: 'DEFAULT', text: expect.stringMatching(/\S/) }],
    causes: expect.any(Array),
  });
  const text = [...body.messages, ...body.causes].map((m: { text: string }) => m.text).join(' | ');
  if (c.says) expect(text).toMatch(c.says);
}

const run = (t: () => TestApp) => async (c: Case) => expectIscError(await send(t(), c), c);
const post = (url: string, body: string | Buffer, status: number, says?: RegExp, type = JSON_TYPE): Case => ({
  method: 'POST',
  url,
  body,
  type,
  status,
  says,
});
const patch =
  (id: () => string, body: string, says?: RegExp, status = 400): (() => Case) =>
  () => ({ method: 'PATCH', url: `${P}/${id()}`, body, type: PATCH_TYPE, status, says });

describeOnDatabases('bad input', (app) => {
  let ids: string[] = [];
  let freeSource = '';
  let before: string[] = [];
  const first = () => ids[0];
  const source = () => freeSource;

  /** Everything a bad request could have touched, as the API (and the audit and task tables) show it. */
  const snapshot = async (): Promise<string[]> => {
    const t = app();
    const h = await t.admin();
    const urls = [
      `${P}?sorters=id`,
      `${P}/export?sorters=id`,
      '/beta/identity-profiles?sorters=id',
      '/v3/sources?sorters=id',
      ...ids.map((id) => `${P}/${id}`),
    ];
    const bodies = [];
    for (const url of urls) bodies.push(`${url} ${(await t.app.inject({ method: 'GET', url, headers: h })).body}`);
    const { db } = t.services.database;
    const count = async (table: 'auditLog' | 'tasks') =>
      String((await db.selectFrom(table).select(db.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    return [...bodies, `audit ${await count('auditLog')}`, `tasks ${await count('tasks')}`];
  };

  beforeAll(async () => {
    const t = app();
    const hr = await newSource(t);
    const mapping = {
      attributeTransforms: [
        {
          identityAttributeName: 'email',
          transformDefinition: {
            type: 'accountAttribute',
            attributes: { attributeName: 'mail', sourceName: hr.name, sourceId: hr.id },
          },
        },
      ],
    };
    ids = [
      (
        await newProfile(t, VERSIONS[0], {
          name: uniq('Ärger'),
          description: 'first',
          authoritativeSource: { type: 'SOURCE', id: hr.id },
          identityAttributeConfig: mapping,
        })
      ).id,
      (await newProfile(t, VERSIONS[0], { owner: { type: 'IDENTITY', id: 'owner-1', name: 'Owner' } })).id,
      (await newProfile(t, VERSIONS[1])).id,
    ];
    freeSource = (await newSource(t)).id;
    before = await snapshot();
  });

  describe('malformed JSON', () => {
    const bodies = ['{"name": ', '{"name":"x"}garbage', "{'name':'x'}", '{"name":"x",}', '[[[[[]]]]'];
    it.each(
      bodies.flatMap((b) => [P, `${P}/bulk-delete`, `${P}/import`, `${P}/identity-preview`].map((url) => [url, b])),
    )('POST %s %s → 400', async (url, body) => run(app)(post(url, body, 400, /not valid JSON/)));
    it.each(bodies)('PATCH with %s → 400', async (body) => run(app)(patch(first, body, /not valid JSON/)()));
    it.each(VERSIONS)('$name: create with a truncated body → 400', async (v) =>
      run(app)(post(v.base, '{"name": "x", "authoritativeSource": {', 400, /not valid JSON/)),
    );
  });

  describe('JSON with wrong types (never coerced)', () => {
    const create = (fields: string, says: RegExp) => () =>
      post(P, `{"name":"typed-${uniq('x')}","authoritativeSource":{"id":"${source()}"}${fields}}`, 400, says);
    it.each([
      [
        'name as a number',
        () => post(P, `{"name":5,"authoritativeSource":{"id":"${source()}"}}`, 400, /body\/name: must be string/),
      ],
      [
        'name as an array',
        () => post(P, `{"name":["a"],"authoritativeSource":{"id":"${source()}"}}`, 400, /body\/name: must be string/),
      ],
      ['priority as a string', create(',"priority":"12"', /body\/priority: must be integer/)],
      ['priority as a fraction', create(',"priority":1.5', /body\/priority: must be integer/)],
      ['priority overflowing', create(',"priority":9223372036854775808', /body\/priority: must be <= 2147483647/)],
      ['priority as 1e400', create(',"priority":1e400', /body\/priority: must be integer/)],
      ['description as a number', create(',"description":5', /body\/description: must be one of string, null/)],
      ['hasTimeBasedAttr as "true"', create(',"hasTimeBasedAttr":"true"', /body\/hasTimeBasedAttr: must be boolean/)],
      [
        'owner of the wrong type',
        create(',"owner":{"type":"SOURCE","id":"x"}', /body\/owner\/type: must be equal to constant \("IDENTITY"\)/),
      ],
      [
        'authoritativeSource as a string',
        () => post(P, '{"name":"x","authoritativeSource":"abc"}', 400, /body\/authoritativeSource: must be object/),
      ],
      [
        'authoritativeSource id as a number',
        () =>
          post(P, '{"name":"x","authoritativeSource":{"id":5}}', 400, /body\/authoritativeSource\/id: must be string/),
      ],
      [
        'attributeTransforms as a string',
        create(',"identityAttributeConfig":{"attributeTransforms":"x"}', /attributeTransforms: must be array/),
      ],
      [
        'enabled as "yes"',
        create(',"identityAttributeConfig":{"enabled":"yes"}', /identityAttributeConfig\/enabled: must be boolean/),
      ],
      [
        'a transform without type',
        create(
          ',"identityAttributeConfig":{"attributeTransforms":[{"identityAttributeName":"e","transformDefinition":{}}]}',
          /must have required property 'type'/,
        ),
      ],
      [
        'an unknown source',
        () =>
          post(
            P,
            '{"name":"x","authoritativeSource":{"id":"no-such-source"}}',
            400,
            /authoritative source 'no-such-source' does not exist/,
          ),
      ],
      [
        'an unknown transform type',
        create(
          ',"identityAttributeConfig":{"attributeTransforms":[{"identityAttributeName":"email","transformDefinition":{"type":"bogus"}}]}',
          /attributeTransforms\[0\] \(email\).*unknown transform type "bogus"/,
        ),
      ],
      [
        'a reference to a missing transform',
        create(
          ',"identityAttributeConfig":{"attributeTransforms":[{"identityAttributeName":"email","transformDefinition":{"type":"reference","attributes":{"id":"missing"}}}]}',
          /attributeTransforms\[0\] \(email\).*'missing' does not exist/,
        ),
      ],
      [
        'a source that already serves a profile',
        async () =>
          post(
            P,
            `{"name":"${uniq('dup-src')}","authoritativeSource":${JSON.stringify((await profileOf(app(), first())).authoritativeSource)}}`,
            400,
            /already the authoritative source/,
          ),
      ],
      [
        'a name differing only in (non-ASCII) case',
        async () =>
          post(
            P,
            `{"name":${JSON.stringify((await profileOf(app(), first())).name.toLowerCase())},"authoritativeSource":{"id":"${source()}"}}`,
            400,
            /already exists.*ignoring case/,
          ),
      ],
      [
        'a blank name',
        () =>
          post(P, `{"name":"   ","authoritativeSource":{"id":"${source()}"}}`, 400, /body\/name: must match pattern/),
      ],
    ] as Array<[string, () => Case | Promise<Case>]>)('create with %s → 400', async (_what, make) =>
      run(app)(await make()),
    );
    it('identity preview with identityId as a number → 400', () =>
      run(app)(post(`${P}/identity-preview`, '{"identityId":5}', 400, /body\/identityId: must be string/)));
  });

  describe('bulk delete: not an array, empty, wrong items, too many', () => {
    it.each([
      ['an object', '{"ids":["a"]}', /body: must be array/],
      ['a string', '"abc"', /body: must be array/],
      ['null', 'null', /body: must be array/],
      ['an empty array', '[]', /body: must NOT have fewer than 1 items/],
      ['numbers', '[1,2]', /body\/0: must be string/],
      ['null items', '[null]', /body\/0: must be string/],
      ['an empty id', '[""]', /body\/0: must NOT have fewer than 1 characters/],
      ['1001 ids', JSON.stringify(Array.from({ length: 1001 }, (_, i) => `id-${i}`)), /more than 1000 items/],
      ['an over-long id', JSON.stringify(['x'.repeat(129)]), /body\/0: must NOT have more than 128 characters/],
    ])('%s → 400', (_what, body, says) => run(app)(post(`${P}/bulk-delete`, body, 400, says)));
  });

  describe('huge bodies and over-long values', () => {
    const huge = JSON.stringify({ name: 'x'.repeat(6 * 1024 * 1024), authoritativeSource: { id: 'x' } });
    it.each([P, `${P}/import`, `${P}/bulk-delete`])('POST %s with 6 MiB → 413 naming the limit', (url) =>
      run(app)(post(url, huge, 413, /too large; the limit is 5242880 bytes/)),
    );
    it('PATCH with 6 MiB → 413', () =>
      run(app)(
        patch(
          first,
          `[{"op":"replace","path":"/description","value":"${'x'.repeat(6 * 1024 * 1024)}"}]`,
          /too large/,
          413,
        )(),
      ));
    it.each([
      [
        'a 129-character name',
        () =>
          post(
            P,
            `{"name":"${'n'.repeat(129)}","authoritativeSource":{"id":"${source()}"}}`,
            400,
            /body\/name: must NOT have more than 128 characters/,
          ),
      ],
      [
        'a 2001-character description',
        () =>
          post(
            P,
            `{"name":"x","description":"${'d'.repeat(2001)}","authoritativeSource":{"id":"${source()}"}}`,
            400,
            /body\/description: must NOT have more than 2000 characters/,
          ),
      ],
      [
        '1001 mappings',
        () =>
          post(
            P,
            JSON.stringify({
              name: 'x',
              authoritativeSource: { id: source() },
              identityAttributeConfig: {
                attributeTransforms: Array.from({ length: 1001 }, () => ({
                  identityAttributeName: 'a',
                  transformDefinition: { type: 'static' },
                })),
              },
            }),
            400,
            /attributeTransforms: must NOT have more than 1000 items/,
          ),
      ],
      [
        '1001 import objects',
        () =>
          post(
            `${P}/import`,
            JSON.stringify(Array.from({ length: 1001 }, () => ({ object: {} }))),
            400,
            /more than 1000 items/,
          ),
      ],
      [
        '1001 patch operations',
        patch(
          first,
          JSON.stringify(Array.from({ length: 1001 }, () => ({ op: 'test', path: '/id', value: 'x' }))),
          /more than 1000 items/,
        ),
      ],
    ] as Array<[string, () => Case]>)('%s → 400', (_what, make) => run(app)(make()));
  });

  describe('bodies whose structure is too big (refused before they are parsed)', () => {
    const keys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
    const withDefinition = (transformDefinition: unknown) =>
      JSON.stringify({
        name: uniq('huge'),
        authoritativeSource: { id: source() },
        identityAttributeConfig: { attributeTransforms: [{ identityAttributeName: 'x', transformDefinition }] },
      });
    const mapping = (attributes: unknown) => ({
      identityAttributeName: 'x',
      transformDefinition: { type: 'static', attributes },
    });
    it.each([
      [
        'create: an attribute object of 100,000 keys (1.3 MB)',
        () =>
          post(
            P,
            withDefinition({ type: 'accountAttribute', attributes: keys(100_000) }),
            400,
            /The request body is refused: an object has more than 20000 keys \(at character \d+\)/,
          ),
      ],
      [
        'PATCH: a value of 100,000 keys',
        patch(
          first,
          JSON.stringify([
            { op: 'add', path: '/identityAttributeConfig/attributeTransforms/0', value: mapping(keys(100_000)) },
          ]),
          /an object has more than 20000 keys/,
        ),
      ],
      [
        'a transform of 100,000 keys',
        () =>
          post(
            '/v3/transforms',
            JSON.stringify({ name: uniq('t'), type: 'lookup', attributes: { table: keys(100_000) } }),
            400,
            /an object has more than 20000 keys/,
          ),
      ],
      [
        'create: a list of 20,001 items',
        () =>
          post(
            P,
            withDefinition({ type: 'static', attributes: { value: 'x', list: Array(20_001).fill(1) } }),
            400,
            /an array holds more than 20000 items/,
          ),
      ],
      [
        'create: 100,001 members in all (6 objects of 17,000 keys)',
        () =>
          post(
            P,
            withDefinition({
              type: 'static',
              attributes: {
                value: 'x',
                ...Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`o${i}`, keys(17_000)])),
              },
            }),
            400,
            /more than 100000 members in all/,
          ),
      ],
      [
        'create: arrays nested 100,000 deep (valid JSON)',
        () =>
          post(
            P,
            `{"name":"x","authoritativeSource":{"id":"${source()}"},"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
            400,
            /nests objects and arrays more than 512 deep/,
          ),
      ],
      [
        'bulk delete of 1 million ids',
        () =>
          post(
            `${P}/bulk-delete`,
            JSON.stringify(Array(1_000_000).fill('a')),
            400,
            /an array holds more than 20000 items/,
          ),
      ],
    ] as Array<[string, () => Case]>)('%s → 400 naming the limit', async (_what, make) => {
      const c = make();
      const parse = vi.spyOn(JSON, 'parse');
      try {
        await run(app)(c);
        expect(parse.mock.calls.filter(([text]) => text === c.body)).toEqual([]); // never parsed
      } finally {
        parse.mockRestore();
      }
    });

    const form = Array.from({ length: 20_000 }, (_, i) => `k${i}=1`).join('&'); // ~150 KB, 20,000 keys
    it('a form body over 64 KiB → 413 naming the limit', () =>
      run(app)({
        method: 'POST',
        url: `${P}/${first()}/process-identities`,
        body: form,
        type: 'application/x-www-form-urlencoded',
        status: 413,
        says: /too large; the limit is 65536 bytes/,
      }));
    it("a token request over 64 KiB → 413 in OAuth's shape, before it is parsed", async () => {
      const res = await send(app(), {
        method: 'POST',
        url: '/oauth/token',
        body: `grant_type=client_credentials&${form}`,
        type: 'application/x-www-form-urlencoded',
        status: 413,
      });
      expect(res.statusCode).toBe(413);
      expect(res.json()).toEqual({
        error: 'invalid_request',
        error_description: expect.stringMatching(/too large; the limit is 65536 bytes/),
      });
    });

    it('an import is bounded per object, not by its members in all: 300 profiles of 30 mappings (~120,000 members) are each judged', async () => {
      const profile = (i: number) => ({
        object: {
          name: `bulk-${i}`,
          authoritativeSource: { id: 'no-such-source' },
          identityAttributeConfig: {
            attributeTransforms: Array.from({ length: 30 }, (_, j) => ({
              identityAttributeName: `a${j}`,
              transformDefinition: {
                type: 'lower',
                attributes: {
                  input: { type: 'accountAttribute', attributes: { attributeName: `c${j}`, sourceName: 'HR' } },
                },
              },
            })),
          },
        },
      });
      const res = await send(
        app(),
        post(`${P}/import?dryRun=true`, JSON.stringify(Array.from({ length: 300 }, (_, i) => profile(i))), 200),
      );
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().errors).toHaveLength(300); // each object judged on its own (its source does not exist)
      expect(res.json().errors[0].text).toMatch(/no-such-source/);
    });
  });

  describe('unsupported content types', () => {
    it.each([
      ['application/xml', '<profile/>'],
      ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--x--\r\n'],
      ['image/png', Buffer.from([0x89, 0x50, 0x4e, 0x47])],
    ])('POST create with %s → 415 naming it', (type, body) =>
      run(app)(post(P, body, 415, new RegExp(`'${type.split(';')[0].replace('+', '\\+')}`), type)),
    );
    it('POST create with no content type → 415', () =>
      run(app)({ method: 'POST', url: P, body: Buffer.from('{"name":"x"}'), status: 415, says: /not supported/ }));
    it('PATCH with application/xml → 415', () =>
      run(app)({ ...patch(first, '[]')(), type: 'application/xml', status: 415, says: /'application\/xml'/ }));
  });

  describe('wrong methods and unknown routes', () => {
    it.each([
      ['PUT', () => `${P}/${first()}`, 'GET, HEAD, DELETE, PATCH'],
      ['POST', () => `${P}/${first()}`, 'GET, HEAD, DELETE, PATCH'],
      ['DELETE', () => P, 'GET, HEAD, POST'],
      ['PUT', () => `${P}/export`, 'GET'],
      ['GET', () => '/oauth/token', 'POST'],
      ['DELETE', () => '/v3/task-status/x', 'GET, HEAD'],
      ['PUT', () => `${P}/${first()}/process-identities`, 'POST'],
    ] as Array<[Case['method'], () => string, string]>)(
      '%s on a known path → 405 with Allow',
      async (method, url, allow) => {
        const c: Case = { method, url: url(), status: 405, says: new RegExp(`Method ${method} is not allowed`) };
        const res = await send(app(), c);
        expectIscError(res, c);
        for (const m of allow.split(', ')) expect(String(res.headers.allow).split(', ')).toContain(m);
      },
    );
    it.each([
      '/v3',
      '/v3/identity-profile',
      '/v4/identity-profiles',
      '/identity-profiles/v2',
      '/v3/identity-profiles/x/nothing',
      '/v3/identity-profiles/x/default-identity-attribute-config/x',
    ])('GET %s → 404 naming the route', (url) =>
      run(app)({ method: 'GET', url, status: 404, says: new RegExp(`No route for GET ${url.replace(/[/]/g, '\\/')}`) }),
    );
    it.each([
      ['GET', ''],
      ['DELETE', ''],
      ['PATCH', ''],
      ['GET', '/default-identity-attribute-config'],
      ['POST', '/process-identities'],
    ] as const)('%s an unknown id%s → 404 naming it', (method, suffix) => {
      const id = unknownId();
      return run(app)({
        method,
        url: `${P}/${id}${suffix}`,
        status: 404,
        says: new RegExp(`'${id}' was not found`),
        ...(method === 'PATCH' ? { body: '[]', type: PATCH_TYPE } : {}),
      });
    });
  });

  describe('over-long and malformed ids', () => {
    const long = 'y'.repeat(129);
    it.each([
      ['GET', ''],
      ['DELETE', ''],
      ['GET', '/default-identity-attribute-config'],
      ['POST', '/process-identities'],
    ] as const)('%s a 129-character id%s → 400 naming the limit', (method, suffix) =>
      run(app)({
        method,
        url: `${P}/${long}${suffix}`,
        status: 400,
        says: /params\/id: must NOT have more than 128 characters/,
      }),
    );
    it('PATCH a 129-character id → 400', () =>
      run(app)({
        method: 'PATCH',
        url: `${P}/${long}`,
        body: '[]',
        type: PATCH_TYPE,
        status: 400,
        says: /params\/id/,
      }));
    it.each(['GET', 'DELETE'] as const)("%s a 300-character id → 414 in ISC's shape", (method) =>
      run(app)({ method, url: `${P}/${'z'.repeat(300)}`, status: 414, says: /too long/ }),
    );
    it("a malformed percent-encoding → 400 in ISC's shape", () =>
      run(app)({ method: 'GET', url: `${P}/%E0%A4%A`, status: 400, says: /malformed percent-encoded/ }));
  });

  describe('bad JSON Patch', () => {
    it.each([
      ['not an array', '{"op":"replace","path":"/name","value":"x"}', /body: must be array/],
      ['null', 'null', /body: must be array/],
      ['a null operation', '[null]', /body\/0: must be object/],
      [
        'an unknown op',
        '[{"op":"frob","path":"/name"}]',
        /body\/0\/op: must be one of "add", "remove", "replace", "move", "copy", "test"/,
      ],
      ['no op', '[{"path":"/name","value":"x"}]', /must have required property 'op'/],
      ['no path', '[{"op":"remove"}]', /must have required property 'path'/],
      ['a path that is not a string', '[{"op":"remove","path":5}]', /body\/0\/path: must be string/],
      ['replace without value', '[{"op":"replace","path":"/name"}]', /Operation 0 \(replace \/name\) needs a 'value'/],
      ['add without value', '[{"op":"add","path":"/description"}]', /needs a 'value'/],
      ['test without value', '[{"op":"test","path":"/name"}]', /needs a 'value'/],
      ['move without from', '[{"op":"move","path":"/description"}]', /needs a 'from'/],
      ['copy without from', '[{"op":"copy","path":"/description"}]', /needs a 'from'/],
      ['a pointer without a leading slash', '[{"op":"replace","path":"name","value":"x"}]', /must start with "\/"/],
      ['a pointer into nothing', '[{"op":"replace","path":"/nope/deep","value":"x"}]', /path that does not exist/],
      [
        'a failing test',
        '[{"op":"test","path":"/description","value":"not it"},{"op":"replace","path":"/description","value":"changed"}]',
        /Operation 0 \(test \/description\).*Test operation failed/,
      ],
      ['a name that becomes a number', '[{"op":"replace","path":"/name","value":5}]', /\/name: must be string/],
      ['a blank name', '[{"op":"replace","path":"/name","value":"  "}]', /\/name/],
      ['removing the authoritative source', '[{"op":"remove","path":"/authoritativeSource"}]', /authoritativeSource/],
      [
        'the mapping config set to null',
        '[{"op":"replace","path":"/identityAttributeConfig","value":null}]',
        /\/identityAttributeConfig: must be object/,
      ],
      ['priority as text', '[{"op":"replace","path":"/priority","value":"high"}]', /\/priority: must be integer/],
      [
        'source and mappings together',
        '[{"op":"replace","path":"/authoritativeSource/id","value":"x"},{"op":"replace","path":"/identityAttributeConfig/enabled","value":true}]',
        /cannot be changed in the same request/,
      ],
      [
        'an unknown source',
        '[{"op":"replace","path":"/authoritativeSource","value":{"type":"SOURCE","id":"no-such-source"}}]',
        /'no-such-source' does not exist/,
      ],
      ...['id', 'created', 'modified', 'identityCount', 'identityRefreshRequired'].map(
        (f): [string, string, RegExp] => [
          `replacing protected /${f}`,
          `[{"op":"replace","path":"/${f}","value":"x"}]`,
          new RegExp(`'${f}' cannot be modified`),
        ],
      ),
      ['moving from protected /id', '[{"op":"move","from":"/id","path":"/description"}]', /'id' cannot be modified/],
      ['a __proto__ pointer', '[{"op":"add","path":"/__proto__/polluted","value":true}]', /__proto__/],
      [
        'a constructor/prototype pointer',
        '[{"op":"add","path":"/constructor/prototype/polluted","value":true}]',
        /cannot be applied/,
      ],
    ] as Array<[string, string, RegExp]>)('%s → 400', (_what, body, says) => run(app)(patch(first, body, says)()));
  });

  describe('empty arrays', () => {
    it('import [] → 200 with nothing imported', async () => {
      const res = await send(app(), post(`${P}/import`, '[]', 200));
      expect(res.json()).toEqual({ infos: [], warnings: [], errors: [], importedObjects: [] });
    });
  });

  describe('bad filters, sorters and paging', () => {
    it.each([
      ['filters=foo eq "x"', /Unsupported filter field 'foo' at position 0/],
      ['filters=name eq', /position 7.*expected a value/],
      ['filters=name EQ "x"', /lower-case/],
      ['filters=priority sw "1"', /Operator 'sw' is not supported for field 'priority'/],
      ['filters=priority eq "abc"', /expected an integer/],
      ['filters=id eq "x', /unterminated string/],
      ['filters=name in ()', /expected a value/],
      ['filters=__proto__ eq "x"', /Unsupported filter field '__proto__'/],
      [`filters=${'('.repeat(100)}name eq "x"${')'.repeat(100)}`, /nested too deeply/],
      ['filters=name eq "\u0000"', /NUL/],
      ['sorters=bogus', /Unsupported sorter 'bogus'/],
      ['sorters=__proto__', /Unsupported sorter '__proto__'/],
      ['sorters=-', /expected a field name/],
      ['sorters=name,,id', /expected a field name at position 5/],
      ['limit=251', /limit '251'.*between 0 and 250/],
      ['limit=-1', /limit '-1'/],
      ['limit=abc', /limit 'abc'/],
      ['limit=1&limit=2', /querystring\/limit/],
      ['offset=-1', /offset '-1'/],
      ['offset=1e99', /offset '1e99'/],
      ['count=maybe', /count 'maybe'.*true or false/],
    ])('list with %s → 400', (query, says) =>
      run(app)({ method: 'GET', url: `${P}?${encodeQuery(query)}`, status: 400, says }),
    );
    it.each([
      ['filters=name sw "A"', /Operator 'sw' is not supported for field 'name'/],
      ['sorters=created', /Unsupported sorter 'created'/],
      ['limit=300', /limit '300'/],
    ])('export with %s → 400', (query, says) =>
      run(app)({ method: 'GET', url: `${P}/export?${encodeQuery(query)}`, status: 400, says }),
    );
    it('import with dryRun=maybe → 400', () =>
      run(app)(post(`${P}/import?dryRun=maybe`, '[]', 400, /querystring\/dryRun: must be boolean/)));
  });

  describe('prototype pollution', () => {
    it.each([
      ['__proto__', '{"__proto__":{"polluted":true},"name":"x"}'],
      ['constructor.prototype', '{"constructor":{"prototype":{"polluted":true}},"name":"x"}'],
    ])('create with %s (and no source) → 400, nothing polluted', async (_what, body) => {
      await run(app)(post(P, body, 400, /authoritativeSource/));
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
    it('import with __proto__ in an object (dry run) → 200 with an error for it, nothing polluted', async () => {
      const res = await send(
        app(),
        post(`${P}/import?dryRun=true`, '[{"object":{"__proto__":{"polluted":true},"name":"Q"}}]', 200),
      );
      expect(res.json().errors).toHaveLength(1);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
    it('query parameters shaped like __proto__[polluted] are ignored, nothing polluted', async () => {
      const res = await send(app(), {
        method: 'GET',
        url: `${P}?__proto__[polluted]=1&constructor[prototype][polluted]=1`,
        status: 200,
      });
      expect(res.statusCode).toBe(200);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  });

  describe('unicode and NUL characters', () => {
    it('a lone surrogate in a name → 400', () =>
      run(app)(post(P, `{"name":"a\\ud800b","authoritativeSource":{"id":"${source()}"}}`, 400)));
    it('an emoji id → 404 naming it', () =>
      run(app)({ method: 'GET', url: `${P}/%F0%9F%98%80`, status: 404, says: /'😀' was not found/ }));
    it('a non-ASCII sorter → 400 naming it', () =>
      run(app)({ method: 'GET', url: `${P}?sorters=${encodeURIComponent('näme')}`, status: 400, says: /'näme'/ }));
    it('a right-to-left override in a filter field → 400 naming it', () =>
      run(app)({
        method: 'GET',
        url: `${P}?filters=${encodeURIComponent('\u202ename eq "x"')}`,
        status: 400,
        says: /Unsupported filter field|Syntax error/,
      }));
  });

  describe('null where an object is required', () => {
    it.each([
      [P, 'null', /body: must be object/],
      [`${P}/identity-preview`, 'null', /body: must be object/],
      [`${P}/import`, 'null', /body: must be array/],
      [`${P}/import`, '[null]', /body\/0: must be object/],
      [`${P}/import`, '[{"object":null}]', /body\/0\/object: must be object/],
      [P, '{"name":"x","authoritativeSource":null}', /body\/authoritativeSource: must be object/],
      [
        P,
        '{"name":"x","authoritativeSource":{"id":"s"},"identityAttributeConfig":null}',
        /body\/identityAttributeConfig: must be object/,
      ],
      [
        P,
        '{"name":"x","authoritativeSource":{"id":"s"},"identityAttributeConfig":{"attributeTransforms":[null]}}',
        /attributeTransforms\/0: must be object/,
      ],
      [
        P,
        '{"name":"x","authoritativeSource":{"id":"s"},"identityAttributeConfig":{"attributeTransforms":[{"identityAttributeName":"e","transformDefinition":null}]}}',
        /transformDefinition: must be object/,
      ],
      [P, '{"name":null,"authoritativeSource":{"id":"s"}}', /body\/name: must be string/],
    ])('POST %s %s → 400', (url, body, says) => run(app)(post(url, body, 400, says)));
    it('PATCH replacing the authoritative source with null → 400', () =>
      run(app)(
        patch(
          first,
          '[{"op":"replace","path":"/authoritativeSource","value":null}]',
          /authoritativeSource: must be object/,
        )(),
      ));
  });

  describe('import and preview', () => {
    it('an import of valid and invalid objects with ?dryRun=true reports each and writes nothing', async () => {
      const objects = [
        {
          version: 1,
          self: { type: 'IDENTITY_PROFILE', name: 'Dry' },
          object: { name: uniq('Dry'), authoritativeSource: { id: source() } },
        },
        { object: { name: 5 } },
        { object: { name: 'Bad source', authoritativeSource: { id: 'no-such-source' } } },
      ];
      const res = await send(app(), post(`${P}/import?dryRun=true`, JSON.stringify(objects), 200));
      if (CONTRACTS_PRESENT) expectContract('v3', 'POST', `${P}/import`, 200, res.json());
      const { infos, errors } = res.json();
      expect(infos.map((m: { key: string }) => m.key)).toContain('DRY_RUN');
      expect(errors.map((m: { text: string }) => m.text)).toEqual([
        expect.stringMatching(/item 1.*\/name: must be string/),
        expect.stringMatching(/'Bad source'.*no-such-source/),
      ]);
    });
    it('an import of invalid objects only (not a dry run) → 200 with an error each and nothing imported', async () => {
      const res = await send(
        app(),
        post(
          `${P}/import`,
          JSON.stringify([
            { object: { name: 5 } },
            { object: { name: 'Bad source', authoritativeSource: { id: 'no-such-source' } } },
          ]),
          200,
        ),
      );
      expect(res.json()).toMatchObject({ importedObjects: [], errors: [expect.anything(), expect.anything()] });
    });
    it.each([
      ['{}', /must have required property 'identityId'/],
      ['{"identityId":"no-such-identity"}', /Identity 'no-such-identity' was not found/],
      [
        '{"identityId":"x","identityAttributeConfig":{"attributeTransforms":[{"identityAttributeName":"e","transformDefinition":{"type":"upper"}}]}}',
        /'upper' is not allowed at the top of a mapping/,
      ],
    ])('v3 identity preview with %s → 400', (body, says) => run(app)(post(`${P}/identity-preview`, body, 400, says)));
  });

  describe('afterwards', () => {
    it('the stored state reads byte-for-byte as before', async () => {
      const after = await snapshot();
      expect(after).toEqual(before);
    });

    it('no bad input was ever answered with a 5xx', () => {
      const statuses = seen[app().kind] ?? [];
      expect(statuses.length).toBeGreaterThan(150);
      expect(statuses.filter((s) => s.startsWith('5'))).toEqual([]);
    });
  });

  /**
   * Bugs found by this suite outside the HTTP layer, now fixed; kept after the state check because
   * they once wrote (`modified`, audit rows, an orphan task).
   */
  describe('formerly known bugs (fixed)', () => {
    // Bug in src/http/plugins/content-types.ts: Fastify's default text/plain parser is still installed, so
    // a text/plain body reaches validation and is answered 400 "body: must be object|array" instead of 415.
    it('POST create with text/plain → 415 (content-types.ts keeps the text/plain parser)', () =>
      run(app)(post(P, '{"name":"x"}', 415, /'text\/plain'/, 'text/plain')));
    it('PATCH with text/plain → 415 (content-types.ts keeps the text/plain parser)', () =>
      run(app)({ ...patch(first, '[]')(), type: 'text/plain', status: 415 }));

    // Bug in src/domain/identity-profiles/patch.ts (applyJsonPatch): fast-json-patch validates each operation
    // with index 0, so the error names "Operation 0" even when a later operation is the bad one.
    it('a good op, then a bad one → 400 naming operation 1 (patch.ts names operation 0)', () =>
      run(app)(
        patch(
          first,
          '[{"op":"replace","path":"/description","value":"half"},{"op":"remove","path":"/nope"}]',
          /Operation 1/,
        )(),
      ));

    // Bug in src/domain/identity-profiles/patch.ts (with IdentityProfileInput allowing extra keys): an
    // added unknown property passes validation, is silently dropped, and `modified` changes anyway.
    it('adding an unknown property → 400 naming it (patch.ts accepts and drops it, bumping modified)', () =>
      run(app)(patch(first, '[{"op":"add","path":"/notAField","value":1}]', /notAField/)()));
    // Bug in src/domain/identity-profiles/patch.ts: an empty (no-op) JSON Patch still writes the
    // profile, moving `modified` and adding an audit entry. It should answer 200 with the profile as it was.
    it('PATCH [] → 200 with the profile unchanged (patch.ts writes anyway, moving modified)', async () => {
      const h = await app().admin();
      const was = (await app().app.inject({ method: 'GET', url: `${P}/${ids[2]}`, headers: h })).body;
      const res = await send(app(), patch(() => ids[2], '[]', undefined, 200)());
      expect(res.statusCode).toBe(200);
      // the same profile, modified included (GET writes stored JSON with the database's spacing, so compare values)
      expect(res.json()).toEqual(JSON.parse(was));
    });

    // Bug in src/db/errors.ts: SQLSTATE 22021 (PostgreSQL cannot store U+0000 in text) is not mapped,
    // so every NUL that reaches a query is a 500. Expected: 400 naming the value (or 404 for an id).
    // The bulk-delete case also leaves a task behind that never completes (domain/identity-profiles/delete.ts).
    it('a NUL in a name → 400 (db/errors.ts leaves SQLSTATE 22021 unmapped: 500)', () =>
      run(app)(post(P, `{"name":"a\\u0000b","authoritativeSource":{"id":"${source()}"}}`, 400)));
    it('a NUL in a patched name → 400 (500 today, SQLSTATE 22021)', () =>
      run(app)(patch(first, '[{"op":"replace","path":"/name","value":"a\\u0000"}]')()));
    it('a NUL in a bulk-delete id → 400 (500 today, SQLSTATE 22021, and an orphan task)', () =>
      run(app)(post(`${P}/bulk-delete`, '["\\u0000"]', 400)));
    it('a NUL in a path id → 400 (was 500: SQLSTATE 22021)', () =>
      run(app)({ method: 'GET', url: `${P}/%00`, status: 400 }));
  });
});

async function profileOf(t: TestApp, id: string) {
  return (await t.app.inject({ method: 'GET', url: `${P}/${id}`, headers: await t.admin() })).json();
}

/** `filters=name eq "x"` → `filters=name%20eq%20%22x%22` (the value encoded, as clients send it). */
function encodeQuery(query: string): string {
  return query
    .split('&')
    .map((kv) => {
      const i = kv.indexOf('=');
      return `${kv.slice(0, i)}=${encodeURIComponent(kv.slice(i + 1))}`;
    })
    .join('&');
}
