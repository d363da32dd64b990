/**
 * Regex operations with Java semantics on a linear-time engine: replace, replaceAll, split.
 * Literal patterns are compiled once at compile time; patterns produced by nested transforms
 * are compiled at run time through a bounded cache.
 */
import {
  arg,
  attrPath,
  boolLiteral,
  inputOf,
  intArg,
  isConst,
  isPlainObject,
  isTransformDef,
  requiredArg,
} from '../attrs.js';
import type { Compiler, NodeInfo, OpCompiler } from '../compiler.js';
import { compileFail, fail, failLimit, joinPath } from '../errors.js';
import {
  compileJavaRegex,
  matchCost,
  parseReplacement,
  RegexError,
  replaceAll as javaReplaceAll,
  split as javaSplit,
  type JavaRegex,
  type ReplacementPart,
} from '../regex/java-regex.js';
import { runtimeRegex } from '../regex/runtime-regex.js';
import { charge, valueToText, type Evaluator, type Run, type Value } from '../runtime.js';

interface Rule {
  rx: JavaRegex;
  parts: readonly ReplacementPart[];
}

/** A literal pattern, compiled once, paid for from the whole-definition budget (before compiling, as far as its size is known). */
function compileRule(pattern: string, replacement: string, path: string, c: Compiler): Rule {
  c.spend('regexes', 1, path);
  c.spend('regexSize', pattern.length, path);
  try {
    const rx = compileJavaRegex(pattern, c.limits.maxRegexLength, c.limits.maxRegexSize);
    c.spend('regexSize', rx.instructions, path);
    return { rx, parts: parseReplacement(replacement, rx) };
  } catch (e) {
    if (e instanceof RegexError) compileFail(e.message, path);
    throw e;
  }
}

function runtimeRule(pattern: string, replacement: string, run: Run, path: string): Rule {
  try {
    const rx = runtimeRegex(pattern, run, path);
    return { rx, parts: parseReplacement(replacement, rx) };
  } catch (e) {
    if (e instanceof RegexError) fail(e.message, path);
    throw e;
  }
}

function applyRule(rule: Rule, text: string, run: Run, path: string): string {
  charge(run, matchCost(rule.rx, text.length), path);
  const out = javaReplaceAll(rule.rx, text, rule.parts, run.limits.maxStringLength);
  return out ?? failLimit(`replacement result longer than ${run.limits.maxStringLength} characters`, path);
}

/** replace: every match of `regex` becomes `replacement` (Java `String.replaceAll`). */
function replace(node: NodeInfo, c: Compiler): Evaluator {
  const input = inputOf(node, c);
  const regex = requiredArg(node, 'regex', c);
  const replacement = arg(node, 'replacement', c) ?? (() => '');
  if (node.attrs.replacement === undefined)
    compileFail('attribute "replacement" is required', attrPath(node, 'replacement'));
  const fixed =
    isConst(regex) && isConst(replacement)
      ? compileRule(String(regex.constant ?? ''), String(replacement.constant ?? ''), attrPath(node, 'regex'), c)
      : undefined;
  return (implicit, run) => {
    const text = valueToText(input(implicit, run));
    if (text === null) return null;
    const rule = fixed ?? dynamicRule(regex, replacement, implicit, run, node);
    return applyRule(rule, text, run, node.path);
  };
}

function dynamicRule(regex: Evaluator, replacement: Evaluator, implicit: Value, run: Run, node: NodeInfo): Rule {
  const pattern = valueToText(regex(implicit, run));
  if (pattern === null) fail('regex is null', attrPath(node, 'regex'));
  return runtimeRule(pattern, valueToText(replacement(implicit, run)) ?? '', run, attrPath(node, 'regex'));
}

/** replaceAll: each `table` entry (regex → replacement) applied in order; empty table = unchanged. */
function replaceAllOp(node: NodeInfo, c: Compiler): Evaluator {
  const input = inputOf(node, c);
  const raw = node.attrs.table ?? {};
  const path = attrPath(node, 'table');
  if (!isPlainObject(raw) || isTransformDef(raw))
    compileFail('attribute "table" must be an object of regex → replacement', path);
  const entries = Object.entries(raw);
  if (entries.length > c.limits.maxTableEntries)
    compileFail(`table has more than ${c.limits.maxTableEntries} entries`, path);
  c.spend('tableEntries', entries.length, path);
  // every key is a regex: refuse a table with more than the budget holds before compiling any of them
  if (entries.length > c.limits.maxRegexes) c.spend('regexes', entries.length, path);
  const rules = entries.map(([pattern, rep]) => {
    if (typeof rep !== 'string') compileFail('replacement must be text', joinPath(path, pattern));
    return compileRule(pattern, rep, joinPath(path, pattern), c);
  });
  return (implicit, run) => {
    let text = valueToText(input(implicit, run));
    if (text === null) return null;
    for (const rule of rules) text = applyRule(rule, text, run, node.path);
    return text;
  };
}

/**
 * split: piece `index` of the input split at `delimiter` (Java `String.split`).
 * Decisions (doc §14.3): `throws` defaults to true (developer docs); "throwing" is an
 * evaluation error, not the text `IndexOutOfBoundsException`; with `throws: false` → null.
 */
function splitOp(node: NodeInfo, c: Compiler): Evaluator {
  const input = inputOf(node, c);
  const delimiter = requiredArg(node, 'delimiter', c);
  const index = intArg(node, 'index', c, true);
  const throws = boolLiteral(node, 'throws', true);
  const dPath = attrPath(node, 'delimiter');
  const fixed = isConst(delimiter) ? compileRule(String(delimiter.constant ?? ''), '', dPath, c).rx : undefined;
  return (implicit, run) => {
    const text = valueToText(input(implicit, run));
    if (text === null) return null;
    const rx =
      fixed ??
      runtimeRule(valueToText(delimiter(implicit, run)) ?? fail('delimiter is null', dPath), '', run, dPath).rx;
    charge(run, matchCost(rx, text.length), dPath);
    const pieces = javaSplit(rx, text);
    const i = index(implicit, run);
    if (i !== undefined && i >= 0 && i < pieces.length) return pieces[i];
    if (throws)
      fail(`index ${i} out of bounds for ${pieces.length} pieces (IndexOutOfBoundsException)`, attrPath(node, 'index'));
    return null;
  };
}

export const REGEX_OPERATIONS: Record<string, OpCompiler> = {
  replace,
  replaceAll: replaceAllOp,
  split: splitOp,
};
