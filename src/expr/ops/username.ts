/**
 * usernameGenerator (doc §4.29, provisioning only): the first candidate from `patterns` that
 * is not a taken account id. A pattern using `$uniqueCounter` is tried without the counter,
 * then with 1, 2, … up to the field's `cloudMaxUniqueChecks`; patterns after it are never
 * reached. Decisions (doc §14.27):
 * - `cloudMaxUniqueChecks` N gives N + 1 candidates (`jdoe`, `jdoe1` … `jdoeN`), matching the
 *   docs' "jdoe … jdoe25" for 25; default and maximum 50;
 * - candidates are not lower-cased (patterns such as `CN=…` keep their case);
 * - `cloudMaxSize` truncation happens before the uniqueness check, cutting the text before the
 *   counter so the counter survives;
 * - a pattern that cannot be rendered (a null variable, e.g. no middle name) or renders empty
 *   is skipped; when no candidate is free the evaluation fails (IllegalStateException).
 */
import { attrPath } from '../attrs.js';
import type { Compiler, NodeInfo, OpCompiler } from '../compiler.js';
import { compileFail, EvalFailure, fail, joinPath } from '../errors.js';
import { parseInteger, runCached, type Evaluator, type Run } from '../runtime.js';
import { parseTemplate, renderTemplate, type Template } from '../velocity/index.js';
import { compileVariables } from './templates.js';

const COUNTER = '\u0000';
const MAX_CHECKS = 50;

interface Pattern {
  tpl: Template;
  path: string;
  counter: boolean;
}

function usernameGenerator(node: NodeInfo, c: Compiler): Evaluator {
  const patterns: Pattern[] = stringLiteralList(node, 'patterns', c).map(([source, path]) => ({
    tpl: parseTemplate(source, path, c),
    path,
    counter: /\$!?\{?uniqueCounter\b/.test(source),
  }));
  const vars = compileVariables(node, ['patterns', 'sourceCheck'], c);
  return (input, run) => {
    const scope = vars.evaluate(input, run) ?? new Map<string, unknown>();
    const { maxSize, checks } = fieldSettings(run);
    let lastError: EvalFailure | undefined;
    for (const p of patterns) {
      scope.set('uniqueCounter', COUNTER);
      let text: string;
      try {
        text = renderTemplate(p.tpl, scope, run, p.path);
      } catch (e) {
        if (!(e instanceof EvalFailure) || e.fatal) throw e;
        lastError = e;
        continue;
      }
      const pieces = text.split(COUNTER);
      if (pieces.join('') === '') continue;
      const counters = p.counter ? checks + 1 : 1;
      for (let i = 0; i < counters; i++) {
        const candidate = fit(pieces, i === 0 ? '' : String(i), maxSize);
        if (!isTaken(run, candidate)) return candidate;
      }
      if (p.counter) break;
    }
    const why = lastError ? ` (last pattern error: ${lastError.message})` : '';
    return fail(`IllegalStateException: no unique value could be generated${why}`, node.path);
  };
}

/** The `patterns` list: literal texts with their paths. */
function stringLiteralList(node: NodeInfo, key: string, c: Compiler): [string, string][] {
  const raw = node.attrs[key];
  const path = attrPath(node, key);
  if (!Array.isArray(raw) || raw.length === 0)
    compileFail(`attribute "${key}" must be a non-empty list of texts`, path);
  if (raw.length > c.limits.maxTableEntries)
    compileFail(`"${key}" has more than ${c.limits.maxTableEntries} items`, path);
  c.spend('tableEntries', raw.length, path);
  return raw.map((item, i) => {
    if (typeof item !== 'string') compileFail('expected text', joinPath(path, i));
    return [item, joinPath(path, i)];
  });
}

/** Joins the pieces around the counter, cutting the text before the counter to `maxSize`. */
function fit(pieces: string[], counter: string, maxSize: number | undefined): string {
  const full = pieces.join(counter);
  if (maxSize === undefined || full.length <= maxSize) return full;
  if (pieces.length === 1) return full.slice(0, maxSize);
  const tail = counter + pieces.slice(1).join(counter);
  const head = pieces[0].slice(0, Math.max(0, maxSize - tail.length));
  return (head + tail).slice(0, maxSize);
}

function fieldSettings(run: Run): { maxSize: number | undefined; checks: number } {
  const f = run.ctx.provisioning?.fieldAttributes ?? {};
  const size = f.cloudMaxSize === undefined ? undefined : parseInteger(String(f.cloudMaxSize));
  const checks = f.cloudMaxUniqueChecks === undefined ? undefined : parseInteger(String(f.cloudMaxUniqueChecks));
  return {
    maxSize: size !== undefined && size > 0 ? size : undefined,
    checks: Math.min(MAX_CHECKS, Math.max(0, checks ?? MAX_CHECKS)),
  };
}

function isTaken(run: Run, value: string): boolean {
  const taken = run.ctx.provisioning?.takenValues;
  if (!taken) return false;
  if (typeof taken === 'function') return taken(value);
  return runCached(run, 'takenValues', () => new Set(taken)).has(value);
}

export const USERNAME_OPERATIONS: Record<string, OpCompiler> = { usernameGenerator };
