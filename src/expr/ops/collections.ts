/**
 * Operations over lists of values and tables: concat, join, firstValid, lookup.
 * Literal text items of concat/join/firstValid are Velocity templates (doc §5) rendered
 * without variables (only `$identity`/`$oldValue`); plain text is a constant.
 */
import { attrPath, inputOf, isPlainObject, isTransformDef, literal } from '../attrs.js';
import type { Compiler, NodeInfo, OpCompiler } from '../compiler.js';
import { compileFail, EvalFailure, fail, joinPath } from '../errors.js';
import { checkLength, isPresent, valueToText, type Evaluator, type Value } from '../runtime.js';
import { parseTemplate, renderTemplate } from '../velocity/index.js';

/** Compiles the `values` list: nested transforms, or literals rendered as templates. */
function valuesList(node: NodeInfo, c: Compiler): Evaluator[] {
  const raw = node.attrs.values;
  const path = attrPath(node, 'values');
  if (!Array.isArray(raw)) compileFail('attribute "values" must be a list', path);
  if (raw.length > c.limits.maxTableEntries)
    compileFail(`"values" has more than ${c.limits.maxTableEntries} items`, path);
  c.spend('tableEntries', raw.length, path);
  return raw.map((item, i) => itemEvaluator(item, joinPath(path, i), node, c));
}

function itemEvaluator(item: unknown, path: string, node: NodeInfo, c: Compiler): Evaluator {
  if (isTransformDef(item)) return c.child(item, path, node.depth);
  const value = literal(item, path, c);
  if (typeof value !== 'string') return () => value;
  const tpl = parseTemplate(value, path, c);
  if (tpl.constant !== undefined) {
    const text = tpl.constant;
    return () => text;
  }
  return (_input, run) => renderTemplate(tpl, null, run, path);
}

/**
 * concat / join (`join` is accepted although the API type enum lacks it, doc §14.10; its
 * separator defaults to ","). Decision (doc §14.14): null items are skipped (not "null", not an error);
 * list items contribute their text (`[a, b]`); when every item is null the result is null.
 */
function joinOp(defaultSeparator: string | undefined): OpCompiler {
  return (node, c) => {
    const items = valuesList(node, c);
    const sep = defaultSeparator === undefined ? '' : separator(node, defaultSeparator);
    return (input, run) => {
      let out = '';
      let first = true;
      for (const item of items) {
        const text = valueToText(item(input, run));
        if (text === null) continue;
        out = first ? text : out + sep + text;
        first = false;
        if (out.length > run.limits.maxStringLength) checkLength(out, run, node.path);
      }
      return first ? null : out;
    };
  };
}

function separator(node: NodeInfo, fallback: string): string {
  const raw = node.attrs.separator;
  if (raw === undefined || raw === null) return fallback;
  if (typeof raw !== 'string') compileFail('"separator" must be text', attrPath(node, 'separator'));
  return raw;
}

/**
 * firstValid: the first present (non-null) value, evaluated lazily. With `ignoreErrors` a failing
 * item is skipped (limit failures are not). Decision (doc §14.15): an empty string is a value,
 * wherever it comes from (only null is skipped, as the docs say); an empty list counts as null.
 */
function firstValid(node: NodeInfo, c: Compiler): Evaluator {
  const items = valuesList(node, c);
  const ignore = ignoreErrors(node);
  return (input, run) => {
    for (const item of items) {
      let value: Value;
      if (!ignore) value = item(input, run);
      else {
        try {
          value = item(input, run);
        } catch (e) {
          if (e instanceof EvalFailure && !e.fatal) continue;
          throw e;
        }
      }
      if (isPresent(value)) return value;
    }
    return null;
  };
}

function ignoreErrors(node: NodeInfo): boolean {
  const raw = node.attrs.ignoreErrors;
  if (raw === undefined || raw === null) return false;
  if (raw === true || raw === 'true') return true;
  if (raw === false || raw === 'false') return false;
  return compileFail('"ignoreErrors" must be true or false', attrPath(node, 'ignoreErrors'));
}

/**
 * lookup: exact, case-sensitive key match; miss → `default`; miss without default → error
 * (current docs; doc §14.5). Decision: a null input falls to `default` (else fails like a miss).
 */
function lookup(node: NodeInfo, c: Compiler): Evaluator {
  const input = inputOf(node, c);
  const table = lookupTable(node, c);
  const fallback = table.get('default');
  return (implicit, run) => {
    const key = valueToText(input(implicit, run));
    const hit = key === null ? undefined : table.get(key);
    if (hit !== undefined) return hit;
    if (fallback !== undefined) return fallback;
    return fail(`no table entry for ${key === null ? 'a null input' : `"${key}"`} and no default`, node.path);
  };
}

function lookupTable(node: NodeInfo, c: Compiler): Map<string, Value> {
  const raw = node.attrs.table;
  const path = attrPath(node, 'table');
  if (!isPlainObject(raw) || isTransformDef(raw))
    compileFail('attribute "table" must be an object of key → value', path);
  const entries = Object.entries(raw);
  if (entries.length > c.limits.maxTableEntries)
    compileFail(`table has more than ${c.limits.maxTableEntries} entries`, path);
  c.spend('tableEntries', entries.length, path);
  return new Map(entries.map(([k, v]) => [k, literal(v, joinPath(path, k), c)]));
}

export const COLLECTION_OPERATIONS: Record<string, OpCompiler> = {
  concat: joinOp(undefined),
  join: joinOp(','),
  firstValid,
  lookup,
};
