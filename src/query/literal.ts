/**
 * Classifies the literal tokens of a filter: quoted strings, and bare words
 * that are booleans, `null`, numbers, ISO-8601 date-times or — where nothing
 * else fits — unquoted strings.
 */
import { LiteralNode } from './ast.js';
import { syntaxError } from './errors.js';
import type { Token } from './lexer.js';

const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;
/** RFC 3339 date-time, or a plain date; the offset is optional (UTC when absent). */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?([Zz]|[+-]\d{2}:?\d{2})?)?$/;

/** Turns a `string` or `word` token into a literal node. */
export function literalFromToken(token: Token): LiteralNode {
  const base = { raw: token.text, position: token.position };
  if (token.kind === 'string') return LiteralNode.create({ ...base, type: 'string', value: token.value });
  const word = token.text;
  if (word === 'true' || word === 'false')
    return LiteralNode.create({ ...base, type: 'boolean', value: word === 'true' });
  if (word === 'null') return LiteralNode.create({ ...base, type: 'null', value: null });
  if (NUMBER.test(word)) return LiteralNode.create({ ...base, type: 'number', value: Number(word) });
  const dateTime = parseDateTime(word);
  if (dateTime === 'invalid') throw syntaxError(token.position, `invalid date-time '${word}'`);
  if (dateTime !== undefined) return LiteralNode.create({ ...base, type: 'datetime', value: dateTime });
  return LiteralNode.create({ ...base, type: 'word', value: word });
}

/**
 * Parses an ISO-8601 date-time and returns it normalized with an explicit
 * offset (`Z` when none was written; midnight UTC for a plain date), keeping
 * the fraction as written so PostgreSQL sees microseconds. Returns
 * `undefined` when the text is not shaped like a date-time and `'invalid'`
 * when it is shaped like one but names no real instant (`2018-13-01`).
 */
export function parseDateTime(text: string): string | undefined | 'invalid' {
  const m = DATE_TIME.exec(text);
  if (m === null) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', fraction = '', offset = 'Z'] = m;
  const date = new Date(0);
  date.setUTCFullYear(+y, +mo - 1, +d); // not Date.UTC: it maps years 0–99 to 1900–1999
  date.setUTCHours(+h, +mi, +s);
  const valid =
    date.getUTCFullYear() === +y &&
    date.getUTCMonth() === +mo - 1 &&
    date.getUTCDate() === +d &&
    date.getUTCHours() === +h &&
    date.getUTCMinutes() === +mi &&
    date.getUTCSeconds() === +s &&
    validOffset(offset);
  if (!valid) return 'invalid';
  return `${y}-${mo}-${d}T${h}:${mi}:${s}${fraction}${offset.toUpperCase()}`;
}

function validOffset(offset: string): boolean {
  if (offset === 'Z' || offset === 'z') return true;
  const digits = offset.slice(1).replace(':', '');
  return +digits.slice(0, 2) <= 23 && +digits.slice(2) <= 59;
}
