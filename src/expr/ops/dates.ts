/**
 * Date operations (doc §4.6–4.8): dateFormat, dateMath, dateCompare. All in UTC.
 * Decisions: unparseable input fails the evaluation (doc §14.18); dateCompare reads `now`
 * or any ISO 8601 form, a missing offset meaning UTC (doc §14.19), and fails on a null date;
 * dateMath without `now` reads its input as ISO 8601 (also date-only and its own
 * `yyyy-MM-ddTHH:mm` output, doc §14.17).
 */
import { arg, attrPath, boolLiteral, inputOf, requiredArg, stringLiteral } from '../attrs.js';
import type { Compiler, NodeInfo, OpCompiler } from '../compiler.js';
import { compileFail, fail } from '../errors.js';
import { applyDateMath, parseDateMath, type DateMathExpr } from '../date/math.js';
import { dateCodec, parseIso, type DateCodec } from '../date/named.js';
import { formatTokens, PatternError, tokenize } from '../date/pattern.js';
import { nowMs, valueToText, type Evaluator, type Run, type Value } from '../runtime.js';

function codecAttr(node: NodeInfo, key: string, c: Compiler): DateCodec {
  const format = stringLiteral(node, key, c) ?? 'ISO8601';
  try {
    return dateCodec(format);
  } catch (e) {
    if (e instanceof PatternError) compileFail(`invalid date format "${format}": ${e.message}`, attrPath(node, key));
    throw e;
  }
}

/** dateFormat: parse with `inputFormat`, print with `outputFormat` (both default ISO8601). */
function dateFormat(node: NodeInfo, c: Compiler): Evaluator {
  const input = inputOf(node, c);
  const from = codecAttr(node, 'inputFormat', c);
  const to = codecAttr(node, 'outputFormat', c);
  return (implicit, run) => {
    const text = valueToText(input(implicit, run));
    if (text === null) return null;
    const ms = from.parse(text, nowMs(run));
    if (ms === undefined || !validInstant(ms)) return fail(`"${text}" is not a date in the input format`, node.path);
    return to.format(ms);
  };
}

const MATH_OUT = tokenize("yyyy-MM-dd'T'HH:mm");

/** dateMath: steps applied to `now` or to the ISO 8601 input; printed `yyyy-MM-ddTHH:mm`. */
function dateMath(node: NodeInfo, c: Compiler): Evaluator {
  const source = stringLiteral(node, 'expression', c, true) as string;
  let expr: DateMathExpr;
  try {
    expr = parseDateMath(source.trim());
  } catch (e) {
    return compileFail((e as Error).message, attrPath(node, 'expression'));
  }
  const roundUp = boolLiteral(node, 'roundUp', false);
  const input = inputOf(node, c);
  return (implicit, run) => {
    let start: number;
    if (expr.now) start = nowMs(run);
    else {
      const text = valueToText(input(implicit, run));
      if (text === null) return null;
      const ms = parseIso(text);
      if (ms === undefined) return fail(`"${text}" is not an ISO 8601 date`, node.path);
      start = ms;
    }
    const out = applyDateMath(expr, start, roundUp);
    return validInstant(out) ? formatTokens(out, MATH_OUT) : fail('date out of range', node.path);
  };
}

/** Within JavaScript's Date range (±8.64e15 ms). */
function validInstant(ms: number): boolean {
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15;
}

const OPERATORS: Record<string, (a: number, b: number) => boolean> = {
  LT: (a, b) => a < b,
  LTE: (a, b) => a <= b,
  GT: (a, b) => a > b,
  GTE: (a, b) => a >= b,
};

/** dateCompare: `firstDate <operator> secondDate` → positiveCondition, else negativeCondition. */
function dateCompare(node: NodeInfo, c: Compiler): Evaluator {
  const first = requiredArg(node, 'firstDate', c);
  const second = requiredArg(node, 'secondDate', c);
  const opName = (stringLiteral(node, 'operator', c, true) as string).toUpperCase();
  const op = OPERATORS[opName];
  if (!op) compileFail('operator must be LT, LTE, GT or GTE', attrPath(node, 'operator'));
  const positive = arg(node, 'positiveCondition', c, true) as Evaluator;
  const negative = arg(node, 'negativeCondition', c, true) as Evaluator;
  return (implicit, run) => {
    const a = dateOf(first(implicit, run), attrPath(node, 'firstDate'), run);
    const b = dateOf(second(implicit, run), attrPath(node, 'secondDate'), run);
    return op(a, b) ? positive(implicit, run) : negative(implicit, run);
  };
}

function dateOf(value: Value, path: string, run: Run): number {
  const text = valueToText(value);
  if (text === null) return fail('date is null', path);
  if (text.trim().toLowerCase() === 'now') return nowMs(run);
  return parseIso(text) ?? fail(`"${text}" is not an ISO 8601 date`, path);
}

export const DATE_OPERATIONS: Record<string, OpCompiler> = {
  dateFormat,
  dateMath,
  dateCompare,
};
