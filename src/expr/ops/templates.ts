/**
 * Template operations: static (Velocity template over variables) and conditional.
 * Variables are the operation's other attributes: nested transforms are evaluated (all of
 * them, eagerly, before rendering), literal text is itself a template rendered with the
 * transform variables and the text variables declared before it (G-ctx's
 * `"managerCountry": "$identity.getManager()…"` pattern), other literals are their text.
 */
import { attrPath, isPlainObject, isTransformDef, literal, variableEntries } from '../attrs.js';
import type { Compiler, NodeInfo, OpCompiler } from '../compiler.js';
import { compileFail, fail } from '../errors.js';
import { charge, type Evaluator, type Run, type Value } from '../runtime.js';
import { parseTemplate, renderTemplate, type Template } from '../velocity/index.js';

type Variable =
  | { kind: 'eval'; name: string; ev: Evaluator }
  | { kind: 'template'; name: string; tpl: Template }
  | { kind: 'const'; name: string; value: unknown };

/** Compiled variables of a templating operation. */
export interface Variables {
  readonly list: readonly Variable[];
  /** Evaluates every variable into a map for rendering (null when there are none). */
  evaluate(input: Value, run: Run): Map<string, unknown> | null;
}

/** Compiles the variables of `node` (every attribute except `exclude`). */
export function compileVariables(node: NodeInfo, exclude: readonly string[], c: Compiler): Variables {
  const entries = variableEntries(node, exclude);
  // the variables are a table the node carries (a hundred thousand of them used to compile and evaluate unbounded)
  c.spend('tableEntries', entries.length, node.path);
  const list: Variable[] = entries.map(([name, raw]) => {
    const path = attrPath(node, name);
    if (isTransformDef(raw)) return { kind: 'eval', name, ev: c.child(raw, path, node.depth) };
    if (typeof raw === 'string') {
      const tpl = parseTemplate(raw, path, c);
      return tpl.constant !== undefined
        ? { kind: 'const', name, value: tpl.constant }
        : { kind: 'template', name, tpl };
    }
    return { kind: 'const', name, value: isPlainObject(raw) ? raw : literal(raw, path, c) };
  });
  const evals = list.filter((v) => v.kind === 'eval');
  const rest = list.filter((v) => v.kind !== 'eval');
  return {
    list,
    evaluate(input, run) {
      if (list.length === 0) return null;
      charge(run, rest.length, node.path); // evaluated ones count their own steps
      const vars = new Map<string, unknown>();
      for (const v of evals) vars.set(v.name, v.ev(input, run));
      for (const v of rest) {
        vars.set(v.name, v.kind === 'const' ? v.value : renderTemplate(v.tpl, vars, run, attrPath(node, v.name)));
      }
      return vars;
    },
  };
}

/** A required attribute holding a template (or a nested transform). */
export function templateAttr(
  node: NodeInfo,
  key: string,
  c: Compiler,
): (vars: Map<string, unknown> | null, input: Value, run: Run) => Value {
  const raw = node.attrs[key];
  const path = attrPath(node, key);
  if (raw === undefined || raw === null) compileFail(`attribute "${key}" is required`, path);
  if (isTransformDef(raw)) {
    const ev = c.child(raw, path, node.depth);
    return (_vars, input, run) => ev(input, run);
  }
  if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean')
    compileFail('expected text', path);
  const tpl = parseTemplate(String(raw), path, c);
  if (tpl.constant !== undefined) {
    const text = tpl.constant;
    return () => text;
  }
  return (vars, _input, run) => renderTemplate(tpl, vars, run, path);
}

/**
 * static: renders `value`. Decision (doc §14.11): `values` (the API schema's spelling) is
 * accepted when `value` is absent.
 */
function staticOp(node: NodeInfo, c: Compiler): Evaluator {
  const key = node.attrs.value === undefined && node.attrs.values !== undefined ? 'values' : 'value';
  const value = templateAttr(node, key, c);
  const vars = compileVariables(node, ['value', 'values'], c);
  if (vars.list.length === 0) return (input, run) => value(null, input, run);
  return (input, run) => value(vars.evaluate(input, run), input, run);
}

const EQ = /\s+eq\s+/;

/**
 * conditional: renders `expression`, splits it at ` eq `, compares both trimmed sides as exact,
 * case-sensitive text, then renders positiveCondition or negativeCondition. A null variable in
 * the expression fails (strict rendering); an expression without ` eq ` (whitespace on both
 * sides) fails. Decision: an operand that renders empty (an empty-string variable) is compared
 * as "" rather than failing — only null/undefined operands are errors.
 */
function conditional(node: NodeInfo, c: Compiler): Evaluator {
  const expression = templateAttr(node, 'expression', c);
  const positive = templateAttr(node, 'positiveCondition', c);
  const negative = templateAttr(node, 'negativeCondition', c);
  const vars = compileVariables(node, ['expression', 'positiveCondition', 'negativeCondition'], c);
  const exprPath = attrPath(node, 'expression');
  return (input, run) => {
    const scope = vars.evaluate(input, run);
    const text = expression(scope, input, run);
    if (text === null || typeof text !== 'string') return fail('expression is null', exprPath);
    const m = EQ.exec(text);
    if (!m) return fail(`expression "${text}" has no "eq" comparison (the only operator)`, exprPath);
    const left = text.slice(0, m.index).trim();
    const right = text.slice(m.index + m[0].length).trim();
    return left === right ? positive(scope, input, run) : negative(scope, input, run);
  };
}

export const TEMPLATE_OPERATIONS: Record<string, OpCompiler> = {
  static: staticOp,
  conditional,
};
