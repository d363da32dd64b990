/**
 * Keys inside stored JSON come back as they were sent: the database layer maps column names
 * (snake_case ↔ camelCase), never the keys of a lookup table or a transform's attributes.
 */
import { expect, it } from 'vitest';
import { describeOnDatabases, newSource, request, uniq, V3 } from './helpers.js';

describeOnDatabases('identity profiles: keys inside stored JSON', (app) => {
  it('a lookup table key with underscores survives create, get, list, patch and export', async () => {
    const t = app();
    const source = await newSource(t);
    const transformDefinition = {
      type: 'lookup',
      attributes: {
        input: { type: 'accountAttribute', attributes: { attributeName: 'cost_center', sourceName: source.name } },
        table: { SALES_EU: 'Sales Europe', 'r&d_lab': 'R&D', default: 'Other' },
      },
    };
    const name = uniq('nested');
    const created = await request(t, V3, 'POST', '', {
      payload: {
        name,
        authoritativeSource: { id: source.id },
        identityAttributeConfig: {
          enabled: true,
          attributeTransforms: [{ identityAttributeName: 'department', transformDefinition }],
        },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id;
    const stored = (body: any) => body.identityAttributeConfig.attributeTransforms[0].transformDefinition;

    expect(stored(created.json())).toEqual(transformDefinition);
    expect(stored((await request(t, V3, 'GET', `/${id}`)).json())).toEqual(transformDefinition);
    const listed = await request(t, V3, 'GET', `?filters=${encodeURIComponent(`id eq "${id}"`)}`);
    expect(stored(listed.json()[0])).toEqual(transformDefinition);
    const patched = await request(t, V3, 'PATCH', `/${id}`, {
      payload: [{ op: 'replace', path: '/description', value: 'patched' }],
      headers: { 'content-type': 'application/json-patch+json' },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(stored(patched.json())).toEqual(transformDefinition);
    const exported = await request(t, V3, 'GET', `/export?filters=${encodeURIComponent(`id eq "${id}"`)}`);
    expect(stored(exported.json()[0].object)).toEqual(transformDefinition);
  });
});
