/**
 * Random values: uuid, randomAlphaNumeric, randomNumeric and CSDU generateRandomString.
 * They draw from `ctx.random` when given (tests pin it), else from `crypto`.
 */
import { randomUUID } from 'node:crypto';
import { attrPath, boolLiteral, intArg } from '../attrs.js';
import type { Compiler, NodeInfo, OpCompiler } from '../compiler.js';
import { compileFail, fail } from '../errors.js';
import { randomBelow, type Evaluator, type Run } from '../runtime.js';

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const SPECIALS = '!@#$%&*()+<>?';
const MAX_LENGTH = 450;

function draw(run: Run, alphabet: string): string {
  return alphabet.charAt(randomBelow(run, alphabet.length));
}

function randomString(run: Run, alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += draw(run, alphabet);
  return out;
}

/** Reads `length` (default `fallback`), which must be 1…450. */
function lengthOf(node: NodeInfo, c: Compiler, fallback: number | undefined): (run: Run) => number {
  const length = intArg(node, 'length', c, fallback === undefined);
  const path = attrPath(node, 'length');
  const check = (n: number): number =>
    n >= 1 && n <= MAX_LENGTH ? n : fail(`length must be between 1 and ${MAX_LENGTH}`, path);
  if (node.attrs.length !== undefined && /^-?\d+(\.\d*)?$/.test(String(node.attrs.length))) {
    const n = Math.trunc(Number(node.attrs.length));
    if (n < 1 || n > MAX_LENGTH) compileFail(`length must be between 1 and ${MAX_LENGTH}`, path);
  }
  return (run) => check(length(null, run) ?? (fallback as number));
}

/** uuid: a version-4 UUID (decision on doc §14.30: v4). */
function uuid(): Evaluator {
  return (_input, run) => {
    if (!run.ctx.random) return randomUUID();
    const hex = randomString(run, '0123456789abcdef', 32).split('');
    hex[12] = '4';
    hex[16] = '89ab'.charAt(randomBelow(run, 4));
    const h = hex.join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  };
}

function randomAlphaNumeric(node: NodeInfo, c: Compiler): Evaluator {
  const length = lengthOf(node, c, 32);
  return (_input, run) => randomString(run, UPPER + LOWER + DIGITS, length(run));
}

/** randomNumeric. Decision (doc §14.4): default length 10, as the developer docs say. */
function randomNumeric(node: NodeInfo, c: Compiler): Evaluator {
  const length = lengthOf(node, c, 10);
  return (_input, run) => randomString(run, DIGITS, length(run));
}

/**
 * CSDU generateRandomString: letters plus, on request, digits and the specials
 * `!@#$%&*()+<>?`. Decision (doc §14.31): when the length allows, at least one character of
 * each requested class (letters, digits, specials) is guaranteed, at a random position.
 */
export function generateRandomString(node: NodeInfo, c: Compiler): Evaluator {
  const length = lengthOf(node, c, undefined);
  const numbers = boolLiteral(node, 'includeNumbers', false);
  const specials = boolLiteral(node, 'includeSpecialChars', false);
  const classes = [UPPER + LOWER, ...(numbers ? [DIGITS] : []), ...(specials ? [SPECIALS] : [])];
  const alphabet = classes.join('');
  return (_input, run) => {
    const n = length(run);
    const chars = randomString(run, alphabet, n).split('');
    if (n >= classes.length) {
      const slots = Array.from({ length: n }, (_, i) => i);
      for (const cls of classes) {
        const slot = slots.splice(randomBelow(run, slots.length), 1)[0];
        chars[slot] = draw(run, cls);
      }
    }
    return chars.join('');
  };
}

export const RANDOM_OPERATIONS: Record<string, OpCompiler> = {
  uuid,
  randomAlphaNumeric,
  randomNumeric,
};
