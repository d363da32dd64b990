import { describe, expect, it } from 'vitest';
import { OPERATION_TYPES, validateTransformDefinition } from '../../src/expr/index.js';
import { TRANSFORM_TYPES, TYPE_NAMES, referencedNames } from '../../web/src/lib/transform-types.js';
import { parseAttributes } from '../../web/src/lib/json-text.js';

/** The console's copy of the engine's operation types (it does not bundle the engine). */
describe('console transform types', () => {
  it('offers exactly the operation types the server accepts', () => {
    expect(TYPE_NAMES).toEqual([...OPERATION_TYPES]);
  });

  it.each(TYPE_NAMES)('starts %s with attributes the engine accepts', (type) => {
    expect(
      validateTransformDefinition(
        { type, attributes: TRANSFORM_TYPES[type] },
        { transforms: () => ({ type: 'lower', attributes: {} }) },
      ),
    ).toEqual([]);
  });

  it('finds references by name in any case, at any depth', () => {
    const mappings = [
      {
        identityAttributeName: 'x',
        transformDefinition: {
          type: 'lower',
          attributes: { input: { type: 'reference', attributes: { id: 'Dept Code' } } },
        },
      },
    ];
    expect([...referencedNames(mappings)]).toEqual(['dept code']);
    expect(referencedNames({ type: 'static', attributes: { value: 'reference' } }).size).toBe(0);
  });

  it('reads attributes as an object or nothing, with the line and column of a syntax error', () => {
    expect(parseAttributes('')).toEqual({ ok: true, value: null });
    expect(parseAttributes('{"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseAttributes('[1]')).toMatchObject({ ok: false, error: expect.stringContaining('JSON object') });
    expect(parseAttributes('{\n  "a": 1,\n}')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/line 3 column 1/),
    });
  });
});
