/**
 * Template operators with Velocity semantics: `==` compares numbers numerically and anything
 * else by text; `<`/`>` compare numbers (numeric text counts as a number — decision: friendlier
 * than Velocity 1.7's error for `$days < 30` with text variables) or else text; `+` concatenates
 * when either side is text; truthiness follows Velocity 2's empty check (null, false, "", 0,
 * empty list/map are false; the text "false" is true).
 */
import { fail } from '../errors.js';
import type { Run } from '../runtime.js';
import type { BinaryOp, Expr } from './ast.js';
import { HostObject } from './host-objects.js';
import { isMap } from './members.js';

/** What operator evaluation needs from the renderer. */
export interface ExprHost {
  expr(e: Expr): unknown;
  readonly run: Run;
  readonly path: string;
}

/** Text of a template value, as Java's `toString` would print it. */
export function toText(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof HostObject) return v.text();
  if (Array.isArray(v)) return `[${v.map(toText).join(', ')}]`;
  if (isMap(v))
    return `{${Object.entries(v)
      .map(([k, x]) => `${k}=${toText(x)}`)
      .join(', ')}}`;
  return String(v);
}

export function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false) return false;
  if (v === true) return true;
  if (typeof v === 'string') return v.length > 0;
  if (typeof v === 'number') return v !== 0;
  if (Array.isArray(v)) return v.length > 0;
  if (isMap(v)) return Object.keys(v).length > 0;
  return true;
}

function equals(a: unknown, b: unknown): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  return toText(a) === toText(b);
}

function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  return undefined;
}

function compare(a: unknown, b: unknown): number | undefined {
  const na = asNumber(a);
  const nb = asNumber(b);
  if (na !== undefined && nb !== undefined) return na - nb;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return undefined;
}

function arithmetic(op: BinaryOp, a: unknown, b: unknown, host: ExprHost): unknown {
  if (op === '+' && (typeof a === 'string' || typeof b === 'string')) {
    const s = toText(a) + toText(b);
    return s.length > host.run.limits.maxStringLength ? fail('string too long', host.path) : s;
  }
  const x = asNumber(a);
  const y = asNumber(b);
  if (x === undefined || y === undefined)
    return fail(`cannot apply "${op}" to ${toText(a)} and ${toText(b)}`, host.path);
  const ints = Number.isInteger(x) && Number.isInteger(y);
  switch (op) {
    case '+':
      return x + y;
    case '-':
      return x - y;
    case '*':
      return x * y;
    case '/':
      return y === 0 ? null : ints ? Math.trunc(x / y) : x / y;
    default:
      return y === 0 ? null : x % y;
  }
}

/** Evaluates `left op right`, short-circuiting `&&`/`||`. */
export function evalBinary(op: BinaryOp, left: Expr, right: Expr, host: ExprHost): unknown {
  if (op === '&&') return truthy(host.expr(left)) && truthy(host.expr(right));
  if (op === '||') return truthy(host.expr(left)) || truthy(host.expr(right));
  const a = host.expr(left);
  const b = host.expr(right);
  switch (op) {
    case '==':
      return equals(a, b);
    case '!=':
      return !equals(a, b);
    case '<':
    case '>':
    case '<=':
    case '>=': {
      const c = compare(a, b);
      if (c === undefined) return false;
      return op === '<' ? c < 0 : op === '>' ? c > 0 : op === '<=' ? c <= 0 : c >= 0;
    }
    default:
      return arithmetic(op, a, b, host);
  }
}
