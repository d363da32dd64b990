/**
 * The whole-definition budget: definitions made of many items, each under its own limit, are
 * refused as a whole — naming what is too big and the limit — after bounded work; evaluation's
 * step budget also pays for regex runs and long strings. Work is asserted as counts (regexes
 * compiled, steps), time only as a generous CPU bound.
 */
import { describe, expect, it } from 'vitest';
import { compileTransform, createBudget, DEFAULT_LIMITS, TransformBudgetError } from './index.js';
import { regexCompilations } from './regex/java-regex.js';
import { run, t } from './test-support.js';

/** Runs `fn` and returns its result with the CPU milliseconds and the regexes it compiled. */
function measured<T>(fn: () => T): { out: T; cpuMs: number; regexes: number } {
  const regexes = regexCompilations();
  const start = process.cpuUsage();
  const out = fn();
  const used = process.cpuUsage(start);
  return { out, cpuMs: (used.user + used.system) / 1000, regexes: regexCompilations() - regexes };
}

const table = (n: number, key: (i: number) => string) =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [key(i), 'y']));
/** A regex of ~1,900 RE2 instructions, far under the 1,000-character and 20,000-instruction caps of one regex. */
const bigRegex = (i: number) => `(x${i}|[a-z]{1000}|[0-9]{900})`;

describe('the whole-definition budget', () => {
  it('refuses a replaceAll of thousands of regex keys before compiling them (issue 13)', () => {
    const { out, cpuMs, regexes } = measured(() =>
      run(t('replaceAll', { table: table(5000, bigRegex) }), { input: 'hello' }),
    );
    expect(out).toBe(
      `COMPILE: attributes.table: definition too big, references included: more than ${DEFAULT_LIMITS.maxRegexes} regular expressions in all (limit ${DEFAULT_LIMITS.maxRegexes})`,
    );
    expect(regexes).toBe(0);
    expect(cpuMs).toBeLessThan(500);
  });

  it('refuses regexes that are too big together, after compiling no more than the budget holds', () => {
    const { out, regexes } = measured(() => run(t('replaceAll', { table: table(400, bigRegex) })));
    expect(out).toMatch(
      /^COMPILE: attributes\.table\.\(x\d+\|.*: definition too big, references included: more than 5000 characters and instructions of regular expressions in all \(limit 5000\)$/,
    );
    // each regex is ~1,930 of the 5,000: the third crosses it
    expect(regexes).toBeLessThanOrEqual(3);
  });

  it('counts regexes across nested transforms and references', () => {
    const stored = {
      Big: t('replace', {
        regex: bigRegex(0),
        replacement: '',
        input: t('replace', { regex: bigRegex(1), replacement: '' }),
      }),
    };
    const def = t('concat', {
      values: [t('reference', { id: 'Big' }), t('split', { delimiter: bigRegex(2), index: 0 })],
    });
    expect(run(def, {}, { transforms: (n) => stored[n as 'Big'] })).toMatch(
      /^COMPILE: attributes\.values\[1\]\.attributes\.delimiter: definition too big.*more than 5000 characters and instructions/,
    );
    // a referenced transform counts once however often it is referenced
    const budget = createBudget();
    compileTransform(t('concat', { values: Array.from({ length: 50 }, () => t('reference', { id: 'Big' })) }), {
      transforms: (n) => stored[n as 'Big'],
      budget,
    });
    expect(budget.used).toMatchObject({ regexes: 2, nodes: 53 });
  });

  it('refuses templates and tables too big together', () => {
    const tpl = '#if($a == "x")$a#{else}none#end '.repeat(150); // 4,950 characters: under the 20,000 of one template
    expect(run(t('concat', { values: [tpl, tpl, tpl].map((value) => t('static', { a: 'x', value })) }))).toBe(
      `COMPILE: attributes.values[2].attributes.value: definition too big, references included: more than ${DEFAULT_LIMITS.maxTemplateChars} characters of templates in all (limit ${DEFAULT_LIMITS.maxTemplateChars})`,
    );
    const lookups = Array.from({ length: 3 }, (_, k) => t('lookup', { table: table(4000, (i) => `k${k}_${i}`) }));
    expect(run(t('concat', { values: lookups }))).toBe(
      `COMPILE: attributes.values[2].attributes.table: definition too big, references included: more than ${DEFAULT_LIMITS.maxTableEntriesTotal} table entries and list items in all (limit ${DEFAULT_LIMITS.maxTableEntriesTotal})`,
    );
  });

  it("counts a template's variables as table entries, and their evaluation as steps", () => {
    const vars = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`v${i}`, 'y']));
    expect(run(t('static', { value: '$v1', ...vars(100_000) }))).toBe(
      `COMPILE: definition too big, references included: more than ${DEFAULT_LIMITS.maxTableEntriesTotal} table entries and list items in all (limit ${DEFAULT_LIMITS.maxTableEntriesTotal})`,
    );
    const wide = compileTransform(t('static', { value: '$v1', ...vars(9_000) }));
    const meter = { steps: 0, max: 1_000_000, label: 'all' };
    expect(wide.evaluate({}, meter)).toEqual({ ok: true, value: 'y' });
    expect(meter.steps).toBeGreaterThan(9_000);
  });

  it('is shared by definitions compiled together, and says so', () => {
    const budget = createBudget({ scope: 'mappings too big together' });
    const mapping = t('replaceAll', { table: table(2, bigRegex) });
    expect(() => compileTransform(mapping, { budget })).not.toThrow();
    const e = (() => {
      try {
        compileTransform(mapping, { budget });
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(TransformBudgetError);
    expect((e as Error).message).toMatch(
      /^attributes\.table\.\(x0\|.*: mappings too big together: more than 5000 characters and instructions of regular expressions in all \(limit 5000\)$/,
    );
    expect(budget.exceeded?.reason).toBe(
      'mappings too big together: more than 5000 characters and instructions of regular expressions in all (limit 5000)',
    );
    // a profile's node count is shared too
    const nodes = createBudget({ scope: 'mappings too big together', limits: { maxNodes: 10 } });
    for (let i = 0; i < 5; i++) compileTransform(t('upper', { input: t('lower') }), { budget: nodes });
    expect(() => compileTransform(t('lower'), { budget: nodes })).toThrow(
      'mappings too big together: more than 10 transforms in all (limit 10)',
    );
  });

  it('keeps what the shared vectors and everyday mappings use far below every limit', () => {
    const budget = createBudget();
    compileTransform(
      t('concat', {
        values: [
          t('replaceAll', {
            table: { '[àáâ]': 'a', '[èéê]': 'e', '\\s+': ' ', '[^A-Za-z0-9 .-]': '' },
            input: t('accountAttribute', { sourceName: 'HR', attributeName: 'name' }),
          }),
          t('static', {
            value: '#if($dept == "Sales")S#{else}O#end',
            dept: t('lookup', { table: table(200, (i) => `D${i}`) }),
          }),
          t('split', { delimiter: '[,;]', index: 0 }),
        ],
      }),
      { budget },
    );
    expect(budget.used.regexes).toBe(5);
    expect(budget.used.regexSize).toBeLessThan(DEFAULT_LIMITS.maxRegexSize / 20);
    expect(budget.used.tableEntries).toBeLessThan(DEFAULT_LIMITS.maxTableEntriesTotal / 20);
  });
});

describe('the step budget pays for the work, not only the nodes', () => {
  const long = 'x'.repeat(99_000);

  it('charges a string method by the length of its string', () => {
    const def = t('static', {
      s: t('lower'),
      value: '#foreach($i in [1..10000])#set($x = $s.toUpperCase())#end$x.length()',
    });
    expect(run(def, { input: long })).toBe(`ERROR: evaluation exceeded ${DEFAULT_LIMITS.maxSteps} steps`);
    expect(run(def, { input: 'x'.repeat(100) })).toBe('100');
  });

  it('charges regex runs by program and text size, and each run-time pattern once per evaluation', () => {
    const replaced = t('replace', { regex: '[a-z]{1000}[0-9]{999}', replacement: '' });
    expect(run(t('concat', { values: Array.from({ length: 20 }, () => replaced) }), { input: long })).toMatch(
      /^COMPILE: .*definition too big/,
    );
    expect(run(t('concat', { values: Array.from({ length: 2 }, () => replaced) }), { input: long })).toBe(
      `ERROR: evaluation exceeded ${DEFAULT_LIMITS.maxSteps} steps`,
    );
    const dynamic = t('static', {
      s: t('lower'),
      value: '#foreach($i in [1..300])#set($x = $s.replaceAll("(x$i|[a-z]{1000}|[0-9]{900})", "y"))#end$x',
    });
    const { out, regexes } = measured(() => run(dynamic, { input: 'hello' }));
    expect(out).toBe(`ERROR: evaluation exceeded ${DEFAULT_LIMITS.maxSteps} steps`);
    expect(regexes).toBeLessThan(5);
    // an everyday pattern in a loop is paid for once
    expect(
      run(t('static', { s: t('lower'), value: '#foreach($i in [1..500])#if($s.matches("[a-z]+"))y#end#end' }), {
        input: 'abc',
      }),
    ).toBe('y'.repeat(500));
  });

  it("shares steps between the evaluations of one meter (an identity's mappings), each still bounded alone", () => {
    const loop = compileTransform(t('static', { value: '#foreach($i in [1..9999])#foreach($j in [1..9999])#end#end' }));
    const small = compileTransform(t('upper'));
    const meter = { steps: 0, max: 250_000, label: "the identity's mappings together" };
    expect(loop.evaluate({}, meter)).toMatchObject({
      ok: false,
      error: `evaluation exceeded ${DEFAULT_LIMITS.maxSteps} steps`,
    });
    expect(small.evaluate({ input: 'a' }, meter)).toEqual({ ok: true, value: 'A' });
    expect(loop.evaluate({}, meter)).toMatchObject({
      ok: false,
      error: "the identity's mappings together exceeded 250000 steps",
    });
    expect(small.evaluate({ input: 'a' }, meter)).toMatchObject({
      ok: false,
      error: "the identity's mappings together exceeded 250000 steps",
    });
    expect(meter.steps).toBe(250_001);
  });
});
