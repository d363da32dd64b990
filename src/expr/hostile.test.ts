/**
 * Hostile definitions: each is rejected at compile time or bounded at run time, quickly,
 * without crashing the process.
 */
import { describe, expect, it } from 'vitest';
import { compileTransform, DEFAULT_LIMITS } from './index.js';
import { run, t } from './test-support.js';

/**
 * Runs `fn`, asserting it took well under a second of CPU time (CPU rather than wall time, so
 * other jobs on a shared machine do not make the suite flaky), and returns its result.
 */
function fast<T>(fn: () => T): T {
  const start = process.cpuUsage();
  const out = fn();
  const used = process.cpuUsage(start);
  expect((used.user + used.system) / 1000).toBeLessThan(900);
  return out;
}

function nested(levels: number): unknown {
  let def: unknown = t('lower');
  for (let i = 0; i < levels; i++) def = t('upper', { input: def });
  return def;
}

describe('hostile definitions', () => {
  it('rejects deep nesting without recursing deeply', () => {
    expect(fast(() => run(nested(100_000)))).toMatch(/^COMPILE: .*nested deeper than 64 levels/);
    expect(run(nested(60), { input: 'x' })).toBe('X');
  });

  it('rejects deep reference chains and cycles', () => {
    const defs: Record<string, unknown> = {};
    for (let i = 0; i < 10_000; i++) defs[`T${i}`] = t('reference', { id: `T${i + 1}` });
    defs.T10000 = t('lower');
    expect(fast(() => run(t('reference', { id: 'T0' }), {}, { transforms: (n) => defs[n] as never }))).toMatch(
      /nested deeper than 64 levels/,
    );
    const cyc = {
      A: t('concat', { values: [t('reference', { id: 'B' })] }),
      B: t('firstValid', { values: [t('reference', { id: 'A' })] }),
    };
    expect(fast(() => run(t('reference', { id: 'A' }), {}, { transforms: (n) => cyc[n as 'A'] as never }))).toContain(
      'reference cycle: A → B → A',
    );
  });

  it('bounds exponential reference fan-out with the step budget', () => {
    const defs: Record<string, unknown> = { L25: t('static', { value: 'x' }) };
    for (let i = 0; i < 25; i++)
      defs[`L${i}`] = t('concat', {
        values: [t('reference', { id: `L${i + 1}` }), t('reference', { id: `L${i + 1}` })],
      });
    const out = fast(() => run(t('reference', { id: 'L0' }), {}, { transforms: (n) => defs[n] as never }));
    expect(out).toMatch(/^ERROR: (evaluation exceeded \d+ steps|value longer than)/);
  });

  it('bounds exponential templates (loops, doubling strings) by steps and sizes', () => {
    expect(
      fast(() => run(t('static', { value: '#foreach($i in [1..10000])#foreach($j in [1..10000])x#end#end' }))),
    ).toMatch(/^ERROR: (evaluation exceeded|template output longer)/);
    expect(fast(() => run(t('static', { value: '#foreach($i in [1..100000000])x#end' })))).toMatch(
      /^ERROR: range \[1\.\.100000000\] too long/,
    );
    expect(
      fast(() => run(t('static', { value: '#set($s = "ab")#foreach($i in [1..64])#set($s = "$s$s")#end$s' }))),
    ).toMatch(/^ERROR: /);
    expect(
      fast(() => run(t('static', { value: '#set($s = "ab")#foreach($i in [1..64])#set($s = $s + $s)#end' }))),
    ).toBe('ERROR: string too long');
    expect(
      fast(() =>
        run(t('static', { value: '#set($s = "abcd")#foreach($i in [1..30])#set($s = $s.replace("a", "aaaa"))#end' })),
      ),
    ).toBe('ERROR: string too long');
  });

  it('rejects oversized templates and deeply nested template syntax', () => {
    expect(fast(() => run(t('static', { value: 'x'.repeat(DEFAULT_LIMITS.maxTemplateLength + 1) })))).toMatch(
      /template longer than/,
    );
    expect(fast(() => run(t('static', { value: `#if(${'('.repeat(5000)}$a${')'.repeat(5000)})x#end` })))).toMatch(
      /nested deeper than 32 levels/,
    );
    expect(fast(() => run(t('static', { value: '#if($a)'.repeat(1500) })))).toMatch(/nested deeper than 32 levels/);
  });

  it('runs catastrophic-backtracking regexes in linear time', () => {
    const input = `${'a'.repeat(90_000)}!`;
    expect(fast(() => run(t('replace', { regex: '(a+)+$', replacement: 'x' }), { input }))).toBe(input);
    expect(fast(() => run(t('replace', { regex: '(a|aa)*b', replacement: 'x' }), { input }))).toBe(input);
    expect(fast(() => run(t('split', { delimiter: '(x+x+)+y', index: 0 }), { input }))).toBe(input);
    expect(fast(() => run(t('static', { value: '$s.matches("(a|a?)+b")', s: t('lower') }), { input }))).toBe('false');
  });

  it('rejects oversized and explosive regexes', () => {
    expect(fast(() => run(t('replace', { regex: 'a'.repeat(5000), replacement: '' })))).toMatch(
      /regular expression longer than 1000/,
    );
    expect(fast(() => run(t('replace', { regex: '((a{100}){100}){100}', replacement: '' })))).toMatch(
      /invalid regular expression|too complex/,
    );
    const wide = '([\\p{L}\\p{N}]{1000}){2}[\\p{L}\\p{N}]{1000}';
    expect(fast(() => run(t('replace', { regex: wide, replacement: '-' }), { input: 'é'.repeat(20_000) }))).toMatch(
      /^COMPILE: .*(invalid|too complex)|^-+$/,
    );
  });

  it('bounds replacement blow-up', () => {
    const input = 'a'.repeat(50_000);
    expect(fast(() => run(t('replace', { regex: 'a', replacement: 'b'.repeat(1000) }), { input }))).toMatch(
      /^ERROR: replacement result longer/,
    );
    expect(fast(() => run(t('replace', { regex: '', replacement: 'xyz' }), { input }))).toMatch(
      /^ERROR: replacement result longer/,
    );
  });

  it('rejects huge tables, lists and literals', () => {
    const table = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, 'v']));
    expect(fast(() => run(t('lookup', { table })))).toMatch(/table has more than 10000 entries/);
    expect(fast(() => run(t('replaceAll', { table })))).toMatch(/table has more than 10000 entries/);
    expect(fast(() => run(t('concat', { values: Array.from({ length: 20_000 }, () => 'x') })))).toMatch(
      /more than 10000 items/,
    );
    expect(
      fast(() => run(t('concat', { values: Array.from({ length: 6000 }, () => t('static', { value: 'x' })) }))),
    ).toMatch(/more than 5000 transforms/);
    expect(fast(() => run(t('static', { value: 'v', big: 'x'.repeat(2_000_000) })))).toMatch(
      /template longer than|string longer than/,
    );
    expect(fast(() => run(t('lookup', { table: { a: 'x'.repeat(2_000_000) } })))).toMatch(/string longer than 100000/);
  });

  it('bounds growth through nesting (base64, padding, upper-casing)', () => {
    let def: unknown = t('upper');
    for (let i = 0; i < 30; i++) def = t('base64Encode', { input: t('upper', { input: def }) });
    expect(fast(() => run(def, { input: 'ß'.repeat(50_000) }))).toMatch(/^ERROR: value longer than 100000 characters/);
    expect(fast(() => run(t('leftPad', { length: '999999999', padding: 'x' }), { input: 'a' }))).toMatch(
      /^ERROR: length 999999999 exceeds/,
    );
    expect(
      fast(() => run(t('concat', { values: [t('upper'), t('upper'), t('upper')] }), { input: 'x'.repeat(60_000) })),
    ).toMatch(/^ERROR: value longer/);
  });

  it('survives absurd dates and filters', () => {
    expect(fast(() => run(t('dateMath', { expression: '+999999999y' }), { input: '2020-01-01' }))).toBe(
      'ERROR: date out of range',
    );
    expect(fast(() => run(t('dateFormat', { inputFormat: 'EPOCH_TIME_JAVA' }), { input: '9999999999999999' }))).toMatch(
      /^ERROR: /,
    );
    const filter = `${'('.repeat(10_000)}a == "b"${')'.repeat(10_000)}`;
    expect(
      fast(() => run(t('accountAttribute', { sourceName: 'S', attributeName: 'a', accountPropertyFilter: filter }))),
    ).toMatch(/nested too deeply/);
    expect(
      fast(() =>
        run(
          t('accountAttribute', {
            sourceName: 'S',
            attributeName: 'a',
            accountPropertyFilter: `${'!'.repeat(90_000)}a == "b"`,
          }),
        ),
      ),
    ).toMatch(/nested too deeply/);
  });

  it('never throws from evaluate, and bounds usernameGenerator checks', () => {
    const c = compileTransform(t('usernameGenerator', { patterns: ['u${uniqueCounter}'] }));
    const res = fast(() =>
      c.evaluate({
        provisioning: { takenValues: () => true, fieldAttributes: { cloudMaxUniqueChecks: '1000000000' } },
      }),
    );
    expect(res.ok).toBe(false);
    const hostileCtx = {
      get accounts(): never {
        throw new Error('boom');
      },
    };
    expect(
      compileTransform(t('accountAttribute', { sourceName: 'S', attributeName: 'a' })).evaluate(hostileCtx),
    ).toEqual({ ok: false, error: 'evaluation failed: boom', path: '' });
  });
});

describe('prototype-chain names', () => {
  it('never reads inherited properties of attribute maps', () => {
    const accounts = [{ sourceName: 'S', attributes: { a: 'x' } }];
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(run(t('accountAttribute', { sourceName: 'S', attributeName: name }), { accounts })).toBeNull();
      expect(run(t('identityAttribute', { name }), { identity: { uid: 'u' } })).toBeNull();
      expect(
        run(
          t('static', {
            value: `$!identity.getAttribute("${name}")|$!identity.attributes.${name}|$!m["${name}"]`,
            m: t('static', { value: 'x' }),
          }),
          { identity: { uid: 'u' } },
        ),
      ).toMatch(/^\|\|$|^ERROR/);
    }
  });
});
