import { describe, expect, it } from 'vitest';
import { mappingFingerprint } from './purity.js';

const attr = { type: 'accountAttribute', attributes: { attributeName: 'mail', sourceName: 'HR' } };
const config = (...defs: object[]) => ({
  enabled: true,
  attributeTransforms: defs.map((d, i) => ({ identityAttributeName: `a${i}`, transformDefinition: d as any })),
});
const none = () => undefined;

describe('mappingFingerprint', () => {
  it('fingerprints mappings that depend on accounts alone, and changes with them', () => {
    const a = mappingFingerprint(config(attr, { type: 'lower', attributes: { input: attr } }), none);
    const b = mappingFingerprint(config(attr, { type: 'upper', attributes: { input: attr } }), none);
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(b).toMatch(/^[0-9a-f]{32}$/);
    expect(a).not.toBe(b);
    expect(mappingFingerprint(config(attr, { type: 'lower', attributes: { input: attr } }), none)).toBe(a);
  });

  it.each([
    ['the clock', { type: 'dateMath', attributes: { expression: 'now' } }],
    ['randomness', { type: 'uuid', attributes: {} }],
    ['identity attributes', { type: 'identityAttribute', attributes: { name: 'email' } }],
    [
      'a rule',
      {
        type: 'rule',
        attributes: { name: 'Cloud Services Deployment Utility', operation: 'getReferenceIdentityAttribute' },
      },
    ],
    ['a template reading $identity', { type: 'static', attributes: { value: '$identity.email' } }],
    ['a periodic refresh', { type: 'lower', attributes: { input: attr, requiresPeriodicRefresh: true } }],
    [
      'a nested impure node',
      { type: 'concat', attributes: { values: [attr, { type: 'randomNumeric', attributes: {} }] } },
    ],
  ])('gives none when results depend on %s', (_what, def) => {
    expect(mappingFingerprint(config(attr, def), none)).toBeUndefined();
  });

  it('follows references: a pure stored transform keeps it, an impure or unknown one drops it, and a change of it changes it', () => {
    const ref = { type: 'reference', attributes: { id: 'Clean', input: attr } };
    const stored = (type: string) => (name: string) => (name === 'Clean' ? { type, attributes: {} } : undefined);
    const pure = mappingFingerprint(config(ref), stored('trim'));
    expect(pure).toMatch(/^[0-9a-f]{32}$/);
    expect(mappingFingerprint(config(ref), stored('lower'))).not.toBe(pure);
    expect(mappingFingerprint(config(ref), stored('uuid'))).toBeUndefined();
    expect(mappingFingerprint(config(ref), none)).toBeUndefined();
  });
});
