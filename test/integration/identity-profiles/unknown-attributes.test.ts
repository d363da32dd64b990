/**
 * A mapping that reads an account attribute its source has never had (`jobtitle` when the files
 * had `Title`) is saved — ISC would too — and the answer says so where ISC's shapes allow: a
 * `Warning` header on create and PATCH, the import result's `warnings`.
 */
import { expect, it } from 'vitest';
import { loadClient } from '../../helpers/loads.js';
import { describeOnDatabases, request, uniq, V3 } from './helpers.js';

const mapping = (identityAttributeName: string, attributeName: string, sourceName: string) => ({
  identityAttributeName,
  transformDefinition: { type: 'accountAttribute', attributes: { attributeName, sourceName } },
});
const warnings = (res: { headers: Record<string, unknown> }) => [res.headers.warning ?? []].flat() as string[];

describeOnDatabases('unknown account attributes in mappings', (app) => {
  async function sourceWithColumns() {
    const t = app();
    const loads = loadClient(t, await t.admin());
    const source = await loads.newSource();
    const loaded = await loads.load(source.id, 'id,name,Title,dépt\n1,Ann,Engineer,R&D\n');
    expect(loaded.completionStatus).toBe('Success');
    return source as { id: string; name: string };
  }

  it('create and PATCH of the mappings answer a Warning per unknown attribute; known ones and other patches none', async () => {
    const t = app();
    const source = await sourceWithColumns();
    const created = await request(t, V3, 'POST', '', {
      payload: {
        name: uniq('warn'),
        authoritativeSource: { id: source.id },
        identityAttributeConfig: {
          enabled: true,
          attributeTransforms: [
            mapping('title', 'title', source.name),
            mapping('department', 'dépt', source.name),
            mapping('location', 'office', source.name),
          ],
        },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(warnings(created)).toEqual([
      `199 idprofiles "A mapping reads account attribute 'title', which source '${source.name}' has never had in a loaded file (did you mean 'Title'?): it will be empty."`,
      `199 idprofiles "A mapping reads account attribute 'office', which source '${source.name}' has never had in a loaded file: it will be empty."`,
    ]);

    const id = created.json().id as string;
    const renamed = await request(t, V3, 'PATCH', `/${id}`, {
      payload: [{ op: 'replace', path: '/description', value: 'no mapping changed' }],
      headers: { 'content-type': 'application/json-patch+json' },
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(warnings(renamed)).toEqual([]);

    const fixed = await request(t, V3, 'PATCH', `/${id}`, {
      payload: [
        {
          op: 'replace',
          path: '/identityAttributeConfig/attributeTransforms',
          value: [mapping('title', 'Title', source.name), mapping('x', 'naïve', source.name)],
        },
      ],
      headers: { 'content-type': 'application/json-patch+json' },
    });
    expect(fixed.statusCode, fixed.body).toBe(200);
    // a header is Latin-1 at most: other characters travel escaped
    expect(warnings(fixed)).toEqual([
      `199 idprofiles "A mapping reads account attribute 'na\\u00efve', which source '${source.name}' has never had in a loaded file: it will be empty."`,
    ]);
  });

  it('a hostile mapping list cannot grow the header section: at most 10 warnings of 300 characters, and how many more', async () => {
    const t = app();
    const source = await sourceWithColumns();
    const mappings = Array.from({ length: 40 }, (_, i) =>
      mapping(`attr${i}`, `missing${i}-${'x'.repeat(5000)}`, source.name),
    );
    const created = await request(t, V3, 'POST', '', {
      payload: {
        name: uniq('warn'),
        authoritativeSource: { id: source.id },
        identityAttributeConfig: { enabled: true, attributeTransforms: mappings },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const sent = warnings(created);
    expect(sent).toHaveLength(11);
    expect(sent.every((w) => w.length < 400)).toBe(true);
    expect(sent[10]).toBe('199 idprofiles "\\u2026 and 30 more such warnings."');
  });

  it('a source that has loaded nothing knows no columns: no warning', async () => {
    const t = app();
    const empty = await loadClient(t, await t.admin()).newSource();
    const created = await request(t, V3, 'POST', '', {
      payload: {
        name: uniq('warn'),
        authoritativeSource: { id: empty.id },
        identityAttributeConfig: { enabled: true, attributeTransforms: [mapping('title', 'anything', empty.name)] },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(warnings(created)).toEqual([]);
  });

  it("import reports them in the result's warnings, dry run too", async () => {
    const t = app();
    const source = await sourceWithColumns();
    const name = uniq('imp');
    const item = {
      version: 1,
      self: { type: 'IDENTITY_PROFILE', id: 'x', name },
      object: {
        name,
        authoritativeSource: { type: 'SOURCE', id: source.id, name: source.name },
        identityAttributeConfig: { enabled: true, attributeTransforms: [mapping('title', 'jobtitle', source.name)] },
      },
    };
    for (const query of ['?dryRun=true', '']) {
      const res = await request(t, V3, 'POST', `/import${query}`, { payload: [item] });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().warnings).toEqual([
        expect.objectContaining({
          key: 'UNKNOWN_ACCOUNT_ATTRIBUTE',
          text: `Identity profile '${name}' (item 0): A mapping reads account attribute 'jobtitle', which source '${source.name}' has never had in a loaded file: it will be empty.`,
          details: {
            object: expect.objectContaining({ index: 0 }),
            attribute: { source: source.name, attributeName: 'jobtitle' },
          },
        }),
      ]);
    }
  });
});
