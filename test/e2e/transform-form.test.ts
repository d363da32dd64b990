import { describe, expect, it } from 'vitest';
import { validateTransformDefinition } from '../../src/expr/index.js';
import { FORM_TYPES, formFits, starter, unknownAttributes } from '../../web/src/lib/transform-form.js';

/** The console's transform form (web/src/lib/transform-form.ts): what it edits, what it starts with, what it warns about. */
const HR = { id: 's1', name: 'HR', accountAttributeNames: ['id', 'title', 'email', 'location'] } as any;
const account = (attributeName: string, source = 'HR') => ({
  type: 'accountAttribute',
  attributes: { sourceName: source, attributeName },
});
/** A starter with its blanks filled as a person would (attribute names, a transform's name). */
const filled = (v: unknown): unknown =>
  JSON.parse(
    JSON.stringify(v)
      .replace(/"attributeName":""/g, '"attributeName":"title"')
      .replace(/"id":""/g, '"id":"Shared"'),
  );

describe('console transform form', () => {
  it.each(FORM_TYPES)('starts %s with a definition the form shows and the engine accepts', (type) => {
    const d = starter(type, HR);
    expect(d.type).toBe(type);
    expect(formFits(d)).toBe(true);
    expect(validateTransformDefinition(filled(d), { transforms: () => ({ type: 'lower', attributes: {} }) })).toEqual(
      [],
    );
  });

  it('keeps an input when the type changes between those that take one, and wraps an attribute', () => {
    const lower = { type: 'lower', attributes: { input: account('email') } };
    expect(starter('upper', HR, lower)).toEqual({ type: 'upper', attributes: { input: account('email') } });
    expect(starter('lower', HR, account('email'))).toEqual(lower);
    expect(starter('firstValid', HR, { type: 'concat', attributes: { values: [account('a'), ' '] } })).toEqual({
      type: 'firstValid',
      attributes: { values: [account('a'), ' '] },
    });
    expect(starter('static', HR, 'text')).toEqual({ type: 'static', attributes: { value: 'text' } });
  });

  it('shows only definitions made entirely of what it edits (it never drops a part)', () => {
    const fits = [
      account('title'),
      {
        type: 'concat',
        attributes: { values: [account('a'), ' ', { type: 'upper', attributes: { input: account('b') } }] },
      },
      { type: 'lookup', attributes: { input: account('location'), table: { US: 'Americas', default: 'Other' } } },
      {
        type: 'conditional',
        attributes: { expression: '$s eq x', positiveCondition: 'a', negativeCondition: 'b', s: account('s') },
      },
      { type: 'dateFormat', attributes: { input: account('d') } },
      { type: 'reference', attributes: { id: 'Shared' } },
      { type: 'firstValid', attributes: { values: [account('a'), 'fallback'], ignoreErrors: true } },
    ];
    for (const d of fits) expect(formFits(d), JSON.stringify(d)).toBe(true);
    const doesNot = [
      {
        type: 'accountAttribute',
        attributes: { sourceName: 'HR', attributeName: 'x', accountFilter: '!(nativeIdentity.startsWith("x"))' },
      },
      { type: 'substring', attributes: { begin: 0, end: 1 } },
      { type: 'lower', attributes: { input: account('x') }, requiresPeriodicRefresh: true },
      { type: 'lookup', attributes: { table: { US: 1 } } },
      { type: 'lower', attributes: { input: 'plain text' } },
      {
        type: 'concat',
        attributes: { values: [account('a'), { type: 'split', attributes: { delimiter: ',', index: 0 } }] },
      },
      {
        type: 'conditional',
        attributes: { expression: '$s eq x', positiveCondition: 'a', negativeCondition: 'b', s: 'not a transform' },
      },
    ];
    for (const d of doesNot) expect(formFits(d), JSON.stringify(d)).toBe(false);
    // the implicit input: nothing to lose (null attributes are stored as {} anyway)
    expect(formFits({ type: 'lower', attributes: {} })).toBe(true);
    expect(formFits({ type: 'lower', attributes: null })).toBe(true);
  });

  it('names account attributes their source never had, anywhere in a definition, once each', () => {
    const d = {
      type: 'concat',
      attributes: {
        values: [
          account('jobtitle'),
          ' ',
          { type: 'lower', attributes: { input: account('Title') } },
          account('jobtitle'),
          account('title'),
        ],
      },
    };
    expect(unknownAttributes(d, [HR])).toEqual([
      { source: 'HR', attributeName: 'jobtitle', suggestion: undefined },
      { source: 'HR', attributeName: 'Title', suggestion: 'title' },
    ]);
    // by id too; a source that has loaded nothing knows no columns; an unknown source is the server's to refuse
    expect(
      unknownAttributes({ type: 'accountAttribute', attributes: { sourceId: 's1', attributeName: 'x' } }, [HR]),
    ).toHaveLength(1);
    expect(
      unknownAttributes(account('x', 'Empty'), [{ ...HR, id: 's2', name: 'Empty', accountAttributeNames: [] }]),
    ).toEqual([]);
    expect(unknownAttributes(account('x', 'Elsewhere'), [HR])).toEqual([]);
  });
});
