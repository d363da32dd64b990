import { describe, expect, it } from 'vitest';
import { compileTransform, TransformCompileError, validateTransformDefinition } from './index.js';
import { run, t } from './test-support.js';

const store = (defs: Record<string, unknown>) => (name: string) =>
  defs[name] as { type: string; attributes: unknown } | undefined;

describe('compileTransform', () => {
  it.each([
    [null, '', 'expected a transform: an object with a string "type"'],
    [{ type: 'nope' }, 'type', 'unknown transform type "nope"'],
    [{ type: 'lower', attributes: [] }, 'attributes', '"attributes" must be an object'],
    [
      t('concat', { values: ['a', 'b', t('lower', { input: { type: 5 } })] }),
      'attributes.values[2].attributes.input',
      'expected a string, number, boolean or a nested transform',
    ],
    [
      t('firstValid', { values: [t('split', { delimiter: '(', index: 0 })] }),
      'attributes.values[0].attributes.delimiter',
      'invalid regular expression',
    ],
    [t('static', { value: '#if($x)' }), 'attributes.value', 'template error'],
    [t('reference', { id: 'Missing' }), '', 'reference to unknown transform "Missing"'],
  ])('rejects %j at %j', (def, path, message) => {
    let error: unknown;
    try {
      compileTransform(def);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TransformCompileError);
    expect((error as TransformCompileError).path).toBe(path);
    expect((error as TransformCompileError).reason).toContain(message);
  });

  it('validateTransformDefinition lists the problem with its path', () => {
    expect(validateTransformDefinition(t('lower'))).toEqual([]);
    expect(validateTransformDefinition(t('upper', { input: t('substring', {}) }))).toEqual([
      { path: 'attributes.input.attributes.begin', message: 'attribute "begin" is required' },
    ]);
  });

  it('resolves references once, reports paths inside them and detects cycles', () => {
    const transforms = store({
      A: t('concat', { values: [t('reference', { id: 'B' }), t('reference', { id: 'B' })] }),
      B: t('upper'),
      Bad: t('concat', { values: ['x', t('lookup', {})] }),
      Loop1: t('reference', { id: 'Loop2' }),
      Loop2: t('lower', { input: t('reference', { id: 'Loop1' }) }),
      Self: t('reference', { id: 'Self' }),
      Fails: t('lookup', { table: { a: 'b' } }),
    });
    const a = compileTransform(t('reference', { id: 'A', input: 'ab' }), { transforms });
    expect(a.evaluate()).toEqual({ ok: true, value: 'ABAB' });
    expect(a.references).toEqual(['A', 'B']);
    expect(run(t('lower', { input: t('reference', { id: 'Bad' }) }), {}, { transforms })).toBe(
      'COMPILE: attributes.input{Bad}.attributes.values[1].attributes.table: attribute "table" must be an object of key → value',
    );
    expect(run(t('reference', { id: 'Loop1' }), {}, { transforms })).toBe(
      'COMPILE: {Loop1}{Loop2}.attributes.input: reference cycle: Loop1 → Loop2 → Loop1',
    );
    expect(run(t('reference', { id: 'Self' }), {}, { transforms })).toBe(
      'COMPILE: {Self}: reference cycle: Self → Self',
    );
    const failing = compileTransform(t('concat', { values: ['x', t('reference', { id: 'Fails' })] }), {
      transforms,
    }).evaluate({ input: 'zz' });
    expect(failing).toEqual({
      ok: false,
      error: 'no table entry for "zz" and no default',
      path: 'attributes.values[1]{Fails}',
    });
  });

  it('reports requiresPeriodicRefresh from any node, top level or attributes, through references', () => {
    const transforms = store({
      Clock: { type: 'dateMath', requiresPeriodicRefresh: true, attributes: { expression: 'now' } },
    });
    expect(compileTransform(t('lower')).requiresPeriodicRefresh).toBe(false);
    expect(compileTransform(t('lower', { requiresPeriodicRefresh: 'true' })).requiresPeriodicRefresh).toBe(true);
    expect(
      compileTransform(t('upper', { input: t('reference', { id: 'Clock' }) }), { transforms }).requiresPeriodicRefresh,
    ).toBe(true);
  });

  it('applies limit overrides', () => {
    expect(run(t('lower', { input: t('lower', { input: t('lower') }) }), {}, { limits: { maxDepth: 1 } })).toMatch(
      /nested deeper than 1 levels/,
    );
    expect(run(t('concat', { values: ['a', 'b', 'c'] }), {}, { limits: { maxTableEntries: 2 } })).toMatch(
      /more than 2 items/,
    );
  });
});

describe('implicit input (doc §3.2, §14.26)', () => {
  it('passes the parent implicit input (not its explicit input) to nested children; reference passes its resolved input', () => {
    const def = t('substring', { input: 'Austin, TX', begin: t('indexOf', { substring: ',' }) });
    expect(run(def, { input: 'a,b' })).toBe('ustin, TX');
    const transforms = store({ Up: t('concat', { values: [t('upper'), '!'] }) });
    expect(run(t('reference', { id: 'Up', input: 'x' }), { input: 'ignored' }, { transforms })).toBe('X!');
    expect(run(t('reference', { id: 'Up' }), { input: 'y' }, { transforms })).toBe('Y!');
  });

  it('treats input null and "" as absent, other literals as explicit input', () => {
    expect(run(t('upper', { input: null }), { input: 'a' })).toBe('A');
    expect(run(t('upper', { input: '' }), { input: 'a' })).toBe('A');
    expect(run(t('upper', { input: 12 }), { input: 'a' })).toBe('12');
  });

  it('evaluates the same compiled transform many times independently', () => {
    const c = compileTransform(t('dateMath', { expression: 'now+1d' }));
    expect(c.evaluate({ now: new Date('2024-01-01T00:00:00Z') })).toEqual({ ok: true, value: '2024-01-02T00:00' });
    expect(c.evaluate({ now: new Date('2025-01-01T00:00:00Z') })).toEqual({ ok: true, value: '2025-01-02T00:00' });
  });
});
