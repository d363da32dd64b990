import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../helpers/api/index.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { DATABASES } from '../helpers/databases.js';

const unique = (p: string) => `${p}-${Math.random().toString(36).slice(2, 8)}`;

describe.each(DATABASES)('named transforms API on %s', (kind) => {
  let t: TestApp;
  let h: Record<string, string>;
  beforeAll(async () => {
    t = await startTestApp(kind);
    h = await t.admin();
  });
  afterAll(async () => t?.close());

  const create = (body: unknown, prefix = '/v3') =>
    t.app.inject({ method: 'POST', url: `${prefix}/transforms`, headers: h, payload: body as object });
  const api = apiClient(() => t);

  it('creates, reads, lists and replaces a transform in ISC shape', async () => {
    const name = unique('Lower');
    const res = await create({ name, type: 'lower', attributes: { input: 'x' } });
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      name,
      type: 'lower',
      attributes: { input: 'x' },
      internal: false,
    });
    expect((await t.app.inject({ method: 'GET', url: `/beta/transforms/${created.id}`, headers: h })).json()).toEqual(
      created,
    );
    const list = await t.app.inject({
      method: 'GET',
      url: `/v2025/transforms?filters=${encodeURIComponent(`name eq "${name}"`)}&count=true`,
      headers: h,
    });
    expect(list.json()).toEqual([created]);
    expect(list.headers['x-total-count']).toBe('1');
    const byName = await t.app.inject({
      method: 'GET',
      url: `/v3/transforms?name=${encodeURIComponent(name.slice(0, 7))}`,
      headers: h,
    });
    expect(byName.json().map((x: { id: string }) => x.id)).toContain(created.id);
    const put = await t.app.inject({
      method: 'PUT',
      url: `/v3/transforms/${created.id}`,
      headers: h,
      payload: { name, type: 'lower', attributes: { input: 'y' } },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json().attributes).toEqual({ input: 'y' });
  });

  it('refuses to change name or type on PUT, and duplicate names on create', async () => {
    const name = unique('Upper');
    const { id } = (await create({ name, type: 'upper', attributes: {} })).json();
    const rename = await t.app.inject({
      method: 'PUT',
      url: `/v3/transforms/${id}`,
      headers: h,
      payload: { name: `${name}x`, type: 'upper', attributes: {} },
    });
    expect(rename.statusCode).toBe(400);
    expect(rename.json().messages[0].text).toMatch(/name of a transform cannot be changed/);
    const retype = await t.app.inject({
      method: 'PUT',
      url: `/v3/transforms/${id}`,
      headers: h,
      payload: { name, type: 'lower', attributes: {} },
    });
    expect(retype.statusCode).toBe(400);
    const dup = await create({ name: name.toUpperCase(), type: 'upper', attributes: {} });
    expect(dup.statusCode).toBe(400);
    expect(dup.json().messages[0].text).toMatch(/already exists/);
  });

  it('refuses to delete a transform that a profile or another transform references, naming who', async () => {
    const target = unique('Target');
    const { id: targetId } = await api.transforms.create({ name: target, type: 'trim', attributes: {} });
    const user = unique('User');
    const userRes = await create({ name: user, type: 'reference', attributes: { id: target } });
    expect(userRes.statusCode).toBe(201);
    const refused = await t.app.inject({ method: 'DELETE', url: `/v3/transforms/${targetId}`, headers: h });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().messages[0].text).toContain(`transform '${user}'`);

    const src = await api.sources.create({ name: unique('src') });
    const profileName = unique('Profile');
    const profile = await t.app.inject({
      method: 'POST',
      url: '/v3/identity-profiles',
      headers: h,
      payload: {
        name: profileName,
        authoritativeSource: { id: src.id },
        identityAttributeConfig: {
          attributeTransforms: [
            { identityAttributeName: 'email', transformDefinition: { type: 'reference', attributes: { id: user } } },
          ],
        },
      },
    });
    expect(profile.statusCode).toBe(201);
    const refused2 = await t.app.inject({ method: 'DELETE', url: `/v3/transforms/${userRes.json().id}`, headers: h });
    expect(refused2.statusCode).toBe(400);
    expect(refused2.json().messages[0].text).toContain(`identity profile '${profileName}'`);

    // once nothing references it, delete works (204) and the transform is gone (404)
    const free = await api.transforms.create({ name: unique('Free'), type: 'trim', attributes: {} });
    expect((await t.app.inject({ method: 'DELETE', url: `/v3/transforms/${free.id}`, headers: h })).statusCode).toBe(
      204,
    );
    expect((await t.app.inject({ method: 'GET', url: `/v3/transforms/${free.id}`, headers: h })).statusCode).toBe(404);
  });

  it('refuses to delete a transform a profile references with other letter case (references ignore case)', async () => {
    const target = unique('Lowercase Department');
    const { id } = await api.transforms.create({ name: target, type: 'lower', attributes: {} });
    const src = await api.sources.create({ name: unique('src') });
    const profile = await t.app.inject({
      method: 'POST',
      url: '/v3/identity-profiles',
      headers: h,
      payload: {
        name: unique('Cased'),
        authoritativeSource: { id: src.id },
        identityAttributeConfig: {
          attributeTransforms: [
            {
              identityAttributeName: 'department',
              transformDefinition: { type: 'reference', attributes: { id: target.toLowerCase() } },
            },
          ],
        },
      },
    });
    expect(profile.statusCode).toBe(201);
    const refused = await t.app.inject({ method: 'DELETE', url: `/v3/transforms/${id}`, headers: h });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().messages[0].text).toContain(`identity profile '${profile.json().name}'`);
    expect((await t.app.inject({ method: 'GET', url: `/v3/transforms/${id}`, headers: h })).statusCode).toBe(200);
  });

  it('rejects a profile mapping that references an unknown transform, naming the mapping', async () => {
    const src = await api.sources.create({ name: unique('src') });
    const res = await t.app.inject({
      method: 'POST',
      url: '/v3/identity-profiles',
      headers: h,
      payload: {
        name: unique('P'),
        authoritativeSource: { id: src.id },
        identityAttributeConfig: {
          attributeTransforms: [
            {
              identityAttributeName: 'uid',
              transformDefinition: {
                type: 'accountAttribute',
                attributes: { attributeName: 'id', sourceName: src.name },
              },
            },
            {
              identityAttributeName: 'email',
              transformDefinition: { type: 'reference', attributes: { id: 'No Such Transform' } },
            },
          ],
        },
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().messages[0].text).toContain('attributeTransforms[1] (email)');
    expect(res.json().messages[0].text).toContain("transform 'No Such Transform' does not exist");
  });

  it('needs transform rights: a read-only token cannot create', async () => {
    const token = await t.token({ scopes: ['idn:transform:read'] });
    const res = await t.app.inject({
      method: 'POST',
      url: '/v3/transforms',
      headers: { authorization: `Bearer ${token}` },
      payload: { name: unique('x'), type: 'lower' },
    });
    expect(res.statusCode).toBe(403);
    const list = await t.app.inject({
      method: 'GET',
      url: '/v3/transforms',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(list.statusCode).toBe(200);
  });
});
