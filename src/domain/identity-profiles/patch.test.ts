import { describe, expect, it } from 'vitest';
import { applyJsonPatch } from './patch.js';
import type { IdentityProfile } from './schema.js';

const profile = (): IdentityProfile => ({
  id: 'p1',
  name: 'HR',
  created: '2026-01-01T00:00:00.000Z',
  modified: '2026-01-01T00:00:00.000Z',
  description: 'd',
  owner: { type: 'IDENTITY', id: 'o1', name: 'Ann' },
  priority: 10,
  authoritativeSource: { type: 'SOURCE', id: 's1', name: 'HR source' },
  identityRefreshRequired: false,
  identityCount: 3,
  identityAttributeConfig: {
    enabled: true,
    attributeTransforms: [
      {
        identityAttributeName: 'uid',
        transformDefinition: {
          type: 'accountAttribute',
          attributes: { attributeName: 'name', sourceName: 'HR source' },
        },
      },
    ],
  },
  identityExceptionReportReference: null,
  hasTimeBasedAttr: false,
});

describe('applyJsonPatch copies what it changes', () => {
  it.each([
    [
      [
        {
          op: 'replace',
          path: '/identityAttributeConfig/attributeTransforms/0/transformDefinition/attributes/attributeName',
          value: 'x',
        },
      ],
    ],
    [[{ op: 'remove', path: '/identityAttributeConfig/attributeTransforms/0' }]],
    [[{ op: 'add', path: '/owner/name', value: 'Bo' }]],
    [[{ op: 'move', from: '/owner/name', path: '/description' }]],
    [
      [
        {
          op: 'copy',
          from: '/identityAttributeConfig/attributeTransforms/0',
          path: '/identityAttributeConfig/attributeTransforms/-',
        },
        { op: 'replace', path: '/identityAttributeConfig/attributeTransforms/1/identityAttributeName', value: 'email' },
      ],
    ],
    [
      [
        { op: 'replace', path: '/description', value: 'new' },
        { op: 'replace', path: '/authoritativeSource/name', value: 'n' },
      ],
    ],
    [
      [
        { op: 'replace', path: '', value: { ...profile(), name: 'whole' } },
        { op: 'replace', path: '/owner/id', value: 'o2' },
      ],
    ],
  ])('%j leaves the document as it was', (ops) => {
    const document = profile();
    const patched = applyJsonPatch(document, ops as never);
    expect(document).toEqual(profile());
    expect(patched).not.toEqual(profile());
  });

  it('shares the fields no operation touches', () => {
    const document = profile();
    const patched = applyJsonPatch(document, [{ op: 'replace', path: '/description', value: 'new' }]);
    expect(patched.description).toBe('new');
    expect(patched.identityAttributeConfig).toBe(document.identityAttributeConfig);
  });
});
