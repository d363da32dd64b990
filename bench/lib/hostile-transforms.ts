/**
 * Hostile transform definitions for `bench/transforms.ts --hostile`: each built to cost as much as
 * the engine lets it, measured in CPU milliseconds (compile, then one evaluation) and RSS growth.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

interface Engine {
  compileTransform(
    def: unknown,
    options?: { budget?: unknown },
  ): { evaluate(ctx: object): { ok: boolean; error?: string } };
  createBudget?: (limits: object, scope?: string) => unknown;
  DEFAULT_LIMITS: object;
}

const t = (type: string, attributes: object = {}) => ({ type, attributes });
const table = (n: number, key: (i: number) => string) =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [key(i), 'y']));
/** A template of about `chars` characters (whole units, so it parses). */
const template = (chars: number) => {
  const unit = '#if($a == "x")#set($b = $c.substring(0, 3).toUpperCase())$b#{else}none#end ';
  return unit.repeat(Math.floor(chars / unit.length));
};

/** name → [definition, input]; each stays under every per-item limit (regex length and program, table size, template length). */
const CASES: Record<string, () => [unknown, string]> = {
  'issue 13: replaceAll, 5,000 big regex keys': () => [
    t('replaceAll', { table: table(5_000, (i) => `(x${i}|[a-z]{1000}|[0-9]{900})`) }),
    'hello world '.repeat(100),
  ],
  'replaceAll, 10,000 tiny regex keys, 99k input': () => [
    t('replaceAll', { table: table(10_000, (i) => `k${i}q`) }),
    'x'.repeat(99_000),
  ],
  'replaceAll, 300 alternations of 1,000 chars': () => [
    t('replaceAll', {
      table: table(300, (i) =>
        Array.from({ length: 125 }, (_, j) => `w${i}_${j}`)
          .join('|')
          .slice(0, 999)
          .replace(/\|?[^|]*$/, ''),
      ),
    }),
    'hello world '.repeat(100),
  ],
  'concat of 20 templates of 19k chars': () => [
    t('concat', {
      values: Array.from({ length: 20 }, () => t('static', { a: 'x', c: 'abcdef', value: template(19_000) })),
    }),
    '',
  ],
  'concat of 20 lookups of 10,000 entries': () => [
    t('concat', {
      values: Array.from({ length: 20 }, (_, k) =>
        t('lookup', { table: { ...table(9_999, (i) => `k${k}_${i}`), default: 'd' } }),
      ),
    }),
    'q',
  ],
  'template: 10,000 × toUpperCase of a 99k string': () => [
    t('static', { s: t('lower'), value: '#foreach($i in [1..10000])#set($x = $s.toUpperCase())#end$x.length()' }),
    'x'.repeat(99_000),
  ],
  'template: 300 dynamic big regexes': () => [
    t('static', {
      s: t('lower'),
      value: '#foreach($i in [1..300])#set($x = $s.replaceAll("(x$i|[a-z]{1000}|[0-9]{900})", "y"))#end$x.length()',
    }),
    'hello world '.repeat(100),
  ],
  // just within the default budget: what the engine accepts at worst
  'within: replaceAll, 400 tiny regex keys': () => [
    t('replaceAll', { table: table(400, (i) => `k${i}q`) }),
    'hello world '.repeat(100),
  ],
  'within: replaceAll, 2 regexes of 2,000 instructions': () => [
    t('replaceAll', { table: table(2, (i) => `[a-z]{1000}[0-9]{99${i}}`) }),
    'hello world '.repeat(100),
  ],
  'within: replaceAll, 4 alternations of 1,000 chars': () => [
    t('replaceAll', {
      table: table(4, (i) =>
        Array.from({ length: 125 }, (_, j) => `w${i}_${j}`)
          .join('|')
          .slice(0, 999)
          .replace(/\|?[^|]*$/, ''),
      ),
    }),
    'hello world '.repeat(1000),
  ],
  'within: one template of 11.9k chars': () => [
    t('concat', { values: [11_900].map((n) => t('static', { a: 'x', c: 'abcdef', value: template(n) })) }),
    '',
  ],
  'within: a lookup of 9,999 entries': () => [
    t('concat', {
      values: Array.from({ length: 1 }, (_, k) =>
        t('lookup', { table: { ...table(9_998, (i) => `k${k}_${i}`), default: 'd' } }),
      ),
    }),
    'q',
  ],
  'replace: one 2,000-instruction regex over 99k': () => [
    t('concat', {
      values: Array.from({ length: 20 }, () => t('replace', { regex: '[a-z]{1000}[0-9]{999}', replacement: '' })),
    }),
    'ab1'.repeat(33_000),
  ],
};

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const rssMb = () => process.memoryUsage().rss / 1024 / 1024;

/** `only`: run the cases whose name contains it (e.g. `within`: each in a process of its own warms no other). */
export async function runHostile(enginePath: string, only?: string) {
  const url =
    enginePath.startsWith('.') && !enginePath.startsWith('../../')
      ? pathToFileURL(resolve(enginePath)).href
      : enginePath.startsWith('/')
        ? pathToFileURL(enginePath).href
        : enginePath;
  const engine = (await import(url)) as Engine;
  console.log(`engine ${enginePath}; node ${process.version}`);
  for (const [name, make] of Object.entries(CASES).filter(([n]) => !only || n.includes(only))) {
    const [def, input] = make();
    const rss0 = rssMb();
    let start = cpuMs();
    let line: string;
    try {
      const compiled = engine.compileTransform(def);
      const compileMs = cpuMs() - start;
      start = cpuMs();
      const r = compiled.evaluate({ input });
      const evalMs = cpuMs() - start;
      line = `compile ${compileMs.toFixed(0)} ms, evaluate ${evalMs.toFixed(0)} ms → ${r.ok ? 'ok' : `error: ${r.error}`}`;
    } catch (e) {
      line = `compile ${(cpuMs() - start).toFixed(0)} ms → refused: ${(e as Error).message.replace(/^.*?: (?=[a-z])/, '').slice(0, 120)}`;
    }
    console.log(`${name.padEnd(48)} ${line}; RSS +${(rssMb() - rss0).toFixed(0)} MB`);
  }
}
