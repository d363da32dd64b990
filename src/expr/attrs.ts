/**
 * Readers for transform attributes. An attribute value may be a literal (string, number,
 * boolean, list) or a nested transform (an object with a string `type`); readers turn both
 * into an `Evaluator`, keeping constants recognisable so operations can pre-compute
 * (regexes, date patterns) at compile time.
 */
import { compileFail, fail, joinPath } from './errors.js';
import type { Compiler, NodeInfo } from './compiler.js';
import { parseBoolean, parseInteger, toValue, type Evaluator, type Run, type Value } from './runtime.js';

/** An evaluator that always returns the same value; `constant` carries it for compile-time use. */
export interface ConstEvaluator extends Evaluator {
  readonly constant: Value;
}

export function constEvaluator(value: Value): ConstEvaluator {
  const ev = (() => value) as unknown as ConstEvaluator & { constant: Value };
  (ev as { constant: Value }).constant = value;
  return ev;
}

export function isConst(ev: Evaluator): ev is ConstEvaluator {
  return Object.hasOwn(ev, 'constant');
}

/** Passes the implicit input through unchanged. */
export const IMPLICIT_INPUT: Evaluator = (input) => input;

export function isPlainObject(raw: unknown): raw is Record<string, unknown> {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw);
}

/** True when `raw` is a nested transform: an object with a string `type`. */
export function isTransformDef(raw: unknown): raw is { type: string; attributes?: unknown } {
  return isPlainObject(raw) && typeof raw.type === 'string';
}

/** Converts a JSON literal to a value, enforcing the string-length limit. */
export function literal(raw: unknown, path: string, c: Compiler): Value {
  if (typeof raw === 'string' && raw.length > c.limits.maxStringLength) {
    compileFail(`string longer than ${c.limits.maxStringLength} characters`, path);
  }
  if (Array.isArray(raw)) {
    if (raw.length > c.limits.maxTableEntries) compileFail(`list longer than ${c.limits.maxTableEntries} items`, path);
    c.spend('tableEntries', raw.length, path);
    return raw.map((item, i) => literal(item, joinPath(path, i), c));
  }
  if (isPlainObject(raw)) compileFail('expected a string, number, boolean or a nested transform', path);
  return toValue(raw);
}

/** Compiles a literal or nested transform found at `path`; nested ones get the parent's implicit input. */
export function valueAt(raw: unknown, path: string, node: NodeInfo, c: Compiler): Evaluator {
  if (isTransformDef(raw)) return c.child(raw, path, node.depth);
  return constEvaluator(literal(raw, path, c));
}

/** Attribute `key` as an evaluator, or undefined when absent/null. */
export function arg(node: NodeInfo, key: string, c: Compiler, required = false): Evaluator | undefined {
  const raw = node.attrs[key];
  if (raw === undefined || raw === null) {
    if (required) compileFail(`attribute "${key}" is required`, attrPath(node, key));
    return undefined;
  }
  return valueAt(raw, attrPath(node, key), node, c);
}

export function requiredArg(node: NodeInfo, key: string, c: Compiler): Evaluator {
  return arg(node, key, c, true) as Evaluator;
}

/** Path of attribute `key` of `node`. */
export function attrPath(node: NodeInfo, key: string): string {
  return joinPath(joinPath(node.path, 'attributes'), key);
}

/**
 * The node's resolved input: explicit `input` (literal or nested transform, evaluated with the
 * implicit input) or, when absent, null or `""`, the implicit input.
 * Decisions: `"input": ""` is treated as absent, as DOC-op/replace-all implies (doc §14.7);
 * every nested transform (explicit input, variables, `values` items, numeric attributes…)
 * receives its parent's *implicit* input unchanged, never the parent's explicit input — only
 * `reference` hands its resolved input on (doc §14.26, the recommended reading).
 */
export function inputOf(node: NodeInfo, c: Compiler): Evaluator {
  const raw = node.attrs.input;
  if (raw === undefined || raw === null || raw === '') return IMPLICIT_INPUT;
  return valueAt(raw, attrPath(node, 'input'), node, c);
}

/** A literal-only string attribute (numbers and booleans accepted as their text). */
export function stringLiteral(node: NodeInfo, key: string, c: Compiler, required = false): string | undefined {
  const raw = node.attrs[key];
  const path = attrPath(node, key);
  if (raw === undefined || raw === null) {
    if (required) compileFail(`attribute "${key}" is required`, path);
    return undefined;
  }
  if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') {
    compileFail('expected a literal string', path);
  }
  return literal(raw, path, c) as string;
}

/** A literal-only boolean attribute (`true`, `"true"`, any case). */
export function boolLiteral(node: NodeInfo, key: string, fallback: boolean): boolean {
  const raw = node.attrs[key];
  if (raw === undefined || raw === null) return fallback;
  const b = parseBoolean(raw);
  if (b === undefined) compileFail('expected true or false', attrPath(node, key));
  return b;
}

/** An integer getter: undefined result means "absent". */
export type IntGetter = (input: Value, run: Run) => number | undefined;

/**
 * Integer attribute (JSON number, numeric text, or a nested transform producing numeric text),
 * truncated. Constants are checked at compile time; dynamic non-numbers fail the evaluation.
 */
export function intArg(node: NodeInfo, key: string, c: Compiler, required = false): IntGetter {
  const ev = arg(node, key, c, required);
  const path = attrPath(node, key);
  if (!ev) return () => undefined;
  if (isConst(ev)) {
    const n = toInteger(ev.constant);
    if (n === undefined) compileFail('expected an integer', path);
    return () => n;
  }
  return (input, run) => {
    const v = ev(input, run);
    if (v === null) return undefined;
    const n = toInteger(v);
    if (n === undefined) fail(`expected an integer, got "${String(v)}"`, path);
    return n;
  };
}

function toInteger(v: Value): number | undefined {
  return typeof v === 'string' ? parseInteger(v) : undefined;
}

/**
 * Variables of templating operations (static, conditional, rule, usernameGenerator): every
 * attribute except `exclude`d ones and `input`/`requiresPeriodicRefresh`.
 */
export function variableEntries(node: NodeInfo, exclude: readonly string[]): [string, unknown][] {
  return Object.entries(node.attrs).filter(
    ([k]) => !exclude.includes(k) && k !== 'input' && k !== 'requiresPeriodicRefresh',
  );
}
