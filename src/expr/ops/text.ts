/**
 * Single-input text operations: lower, upper, trim, base64Encode/Decode,
 * decomposeDiacriticalMarks, leftPad/rightPad, indexOf/lastIndexOf, substring.
 * Null in → null out for all of them (doc §3.3).
 */
import { attrPath, inputOf, intArg, requiredArg, stringLiteral } from '../attrs.js';
import type { Compiler, NodeInfo, OpCompiler } from '../compiler.js';
import { fail } from '../errors.js';
import { checkLength, valueToText, type Evaluator, type Value } from '../runtime.js';

/** Builds an operation that maps the (non-null) input text through `fn`. */
export function textOp(fn: (text: string) => Value): OpCompiler {
  return (node, c) => {
    const input = inputOf(node, c);
    return (implicit, run) => {
      const text = valueToText(input(implicit, run));
      if (text === null) return null;
      const out = fn(text);
      return typeof out === 'string' && out.length > run.limits.maxStringLength
        ? checkLength(out, run, node.path)
        : out;
    };
  };
}

/** Java `String.trim`: strips every char ≤ U+0020 from both ends. */
export function javaTrim(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 0x20) start++;
  while (end > start && text.charCodeAt(end - 1) <= 0x20) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Strict Base64 decode (Java's basic decoder): bad characters or length fail; bytes read as UTF-8. */
function base64Decode(node: NodeInfo, c: Compiler): Evaluator {
  const input = inputOf(node, c);
  return (implicit, run) => {
    const text = valueToText(input(implicit, run));
    if (text === null) return null;
    const body = text.replace(/=+$/, '');
    if (!BASE64.test(text) || body.length % 4 === 1 || text.length - body.length > 2) {
      fail('input is not valid Base64', node.path);
    }
    return checkLength(Buffer.from(body, 'base64').toString('utf8'), run, node.path);
  };
}

/** leftPad / rightPad with Apache Commons semantics: no truncation, multi-char padding repeats. */
function pad(left: boolean): OpCompiler {
  return (node, c) => {
    const input = inputOf(node, c);
    const length = intArg(node, 'length', c, true);
    const padding = stringLiteral(node, 'padding', c) || ' ';
    return (implicit, run) => {
      const text = valueToText(input(implicit, run));
      if (text === null) return null;
      const size = length(implicit, run) ?? 0;
      if (size > run.limits.maxStringLength) fail(`length ${size} exceeds the string limit`, attrPath(node, 'length'));
      const missing = size - text.length;
      if (missing <= 0) return text;
      const fill = padding.repeat(Math.ceil(missing / padding.length)).slice(0, missing);
      return left ? fill + text : text + fill;
    };
  };
}

function indexOp(last: boolean): OpCompiler {
  return (node, c) => {
    const input = inputOf(node, c);
    const needle = requiredArg(node, 'substring', c);
    return (implicit, run) => {
      const text = valueToText(input(implicit, run));
      if (text === null) return null;
      const sub = valueToText(needle(implicit, run));
      if (sub === null) fail('substring is null', attrPath(node, 'substring'));
      return String(last ? text.lastIndexOf(sub) : text.indexOf(sub));
    };
  };
}

/**
 * substring: `begin` (alias `start`, G-prov) -1 → 0, else plus `beginOffset`; `end` absent or -1 →
 * end of text, else plus `endOffset`.
 * Decision (doc §14.22): indexes outside the text fail the evaluation, as Java's substring throws.
 */
function substring(node: NodeInfo, c: Compiler): Evaluator {
  const beginKey = node.attrs.begin === undefined && node.attrs.start !== undefined ? 'start' : 'begin';
  const input = inputOf(node, c);
  const begin = intArg(node, beginKey, c, true);
  const beginOffset = intArg(node, 'beginOffset', c);
  const end = intArg(node, 'end', c);
  const endOffset = intArg(node, 'endOffset', c);
  return (implicit, run) => {
    const text = valueToText(input(implicit, run));
    if (text === null) return null;
    const b0 = begin(implicit, run);
    if (b0 === undefined) fail('begin is null', attrPath(node, beginKey));
    const b = b0 === -1 ? 0 : b0 + (beginOffset(implicit, run) ?? 0);
    const e0 = end(implicit, run);
    const e = e0 === undefined || e0 === -1 ? text.length : e0 + (endOffset(implicit, run) ?? 0);
    if (b < 0 || e > text.length || b > e) {
      fail(`substring(${b}, ${e}) is out of range for a text of length ${text.length}`, node.path);
    }
    return text.slice(b, e);
  };
}

/** CSDU getEndOfString: last `numChars` characters; more than the length → null. */
export function endOfString(node: NodeInfo, c: Compiler): Evaluator {
  const input = inputOf(node, c);
  const numChars = intArg(node, 'numChars', c, true);
  return (implicit, run) => {
    const text = valueToText(input(implicit, run));
    if (text === null) return null;
    const n = numChars(implicit, run);
    if (n === undefined || n < 0) fail('numChars must be a non-negative integer', attrPath(node, 'numChars'));
    return n > text.length ? null : text.slice(text.length - n);
  };
}

export const TEXT_OPERATIONS: Record<string, OpCompiler> = {
  lower: textOp((t) => t.toLowerCase()),
  upper: textOp((t) => t.toUpperCase()),
  trim: textOp(javaTrim),
  base64Encode: textOp((t) => Buffer.from(t, 'utf8').toString('base64')),
  base64Decode,
  decomposeDiacriticalMarks: textOp((t) => t.normalize('NFKD').replace(/[\u0300-\u036f]/g, '')),
  leftPad: pad(true),
  rightPad: pad(false),
  indexOf: indexOp(false),
  lastIndexOf: indexOp(true),
  substring,
};
