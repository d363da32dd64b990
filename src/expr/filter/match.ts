/**
 * In-memory evaluation of a parsed filter against one record. Multi-valued properties
 * (lists) match a leaf when any element matches; `containsAll` needs every listed value to be
 * an element; `isNull`/`notNull`/`isEmpty` look at the whole value.
 */
import type { FilterNode, Literal } from './parse.js';

/** Reads a property of the record being matched. */
export type PropertyReader = (prop: string) => unknown;

export function matchFilter(node: FilterNode, read: PropertyReader): boolean {
  switch (node.k) {
    case 'and':
      return node.items.every((n) => matchFilter(n, read));
    case 'or':
      return node.items.some((n) => matchFilter(n, read));
    case 'not':
      return !matchFilter(node.item, read);
    case 'cmp':
      return matchComparison(node.op, read(node.prop), node.value, node.ci);
    case 'call':
      return matchCall(node.method, read(node.prop), node.args, node.ci);
  }
}

function text(v: unknown, ci: boolean): string {
  const s = typeof v === 'string' ? v : String(v);
  return ci ? s.toLowerCase() : s;
}

function scalars(v: unknown): unknown[] {
  if (v === null || v === undefined) return [];
  return Array.isArray(v) ? v.filter((x) => x !== null && x !== undefined) : [v];
}

function isNullish(v: unknown): boolean {
  return v === null || v === undefined;
}

function compareOne(op: string, actual: unknown, expected: Literal, ci: boolean): boolean {
  let c: number;
  if (typeof expected === 'number' && actual !== '' && Number.isFinite(Number(actual))) {
    c = Number(actual) - expected;
  } else if (typeof expected === 'boolean') {
    c = text(actual, true) === String(expected) ? 0 : 1;
    if (op !== '==' && op !== '!=') return false;
  } else {
    const a = text(actual, ci);
    const b = text(expected, ci);
    c = a < b ? -1 : a > b ? 1 : 0;
  }
  switch (op) {
    case '==':
      return c === 0;
    case '!=':
      return c !== 0;
    case '<':
      return c < 0;
    case '>':
      return c > 0;
    case '<=':
      return c <= 0;
    default:
      return c >= 0;
  }
}

function matchComparison(op: string, actual: unknown, expected: Literal, ci: boolean): boolean {
  if (expected === null) {
    const isNull = isNullish(actual) || (Array.isArray(actual) && actual.length === 0);
    return op === '==' ? isNull : op === '!=' ? !isNull : false;
  }
  const values = scalars(actual);
  if (op === '!=') return values.length === 0 || !values.some((v) => compareOne('==', v, expected, ci));
  return values.some((v) => compareOne(op, v, expected, ci));
}

function matchCall(method: string, actual: unknown, args: readonly Literal[], ci: boolean): boolean {
  switch (method) {
    case 'isNull':
      return isNullish(actual);
    case 'notNull':
      return !isNullish(actual);
    case 'isEmpty':
      return isNullish(actual) || actual === '' || (Array.isArray(actual) && actual.length === 0);
    case 'containsAll': {
      const have = new Set(scalars(actual).map((v) => text(v, ci)));
      return args.every((a) => have.has(text(a, ci)));
    }
    case 'in': {
      const wanted = new Set(args.map((a) => text(a, ci)));
      return scalars(actual).some((v) => wanted.has(text(v, ci)));
    }
    default: {
      const needle = text(args[0] ?? '', ci);
      return scalars(actual).some((v) => {
        const s = text(v, ci);
        return method === 'startsWith'
          ? s.startsWith(needle)
          : method === 'endsWith'
            ? s.endsWith(needle)
            : s.includes(needle);
      });
    }
  }
}
