/**
 * Lenient parsing with a SimpleDateFormat pattern, as Java's default (lenient) parser does:
 * - numbers take as many digits as are there, except in a run of abutting numeric fields
 *   (`yyyyMMdd`), where each takes its letter count;
 * - spaces and tabs before a field are skipped; text after the pattern is ignored;
 * - out-of-range values roll over (`2/30/2021` → March 2), decision on doc §14.18;
 * - `yy` with two digits resolves within 80 years before / 20 after `now`;
 * - a week year `Y` without `y` gives the first day of its week 1 (Java: `YYYY-MM-dd` reads
 *   every 2023 date as 2023-01-01 — doc §14.8); month/day/AM-PM names in English, any case.
 */
import { DAY_MS, DAYS, fieldsOf, MONTHS, utcMs, weekOneStart } from './calendar.js';
import type { Token } from './pattern.js';

const NUMERIC = new Set(['y', 'Y', 'd', 'H', 'k', 'K', 'h', 'm', 's', 'S', 'D', 'F', 'w', 'W', 'u']);
const ZONES: Record<string, number> = {
  UTC: 0,
  GMT: 0,
  UT: 0,
  Z: 0,
  EST: -300,
  EDT: -240,
  CST: -360,
  CDT: -300,
  MST: -420,
  MDT: -360,
  PST: -480,
  PDT: -420,
};

interface Parsed {
  [letter: string]: number | undefined;
}

function isNumeric(t: Token | undefined): boolean {
  return (
    t !== undefined &&
    t.k === 'field' &&
    (NUMERIC.has(t.letter) || ((t.letter === 'M' || t.letter === 'L') && t.count <= 2))
  );
}

/** Parses `text`; undefined when it does not match the pattern. */
export function parseWithTokens(text: string, tokens: readonly Token[], nowMs: number): number | undefined {
  const values: Parsed = {};
  let pos = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.k === 'lit') {
      if (!text.startsWith(t.text, pos)) return undefined;
      pos += t.text.length;
      continue;
    }
    while (text[pos] === ' ' || text[pos] === '\t') pos++;
    if (pos >= text.length) return undefined;
    const width = isNumeric(t) && isNumeric(tokens[i + 1]) ? t.count : undefined;
    const next = isNumeric(t) ? number(text, pos, width) : textField(text, pos, t.letter);
    if (!next) return undefined;
    if (t.letter === 'y' && t.count <= 2 && next.len === 2 && /^\d\d$/.test(text.slice(pos, pos + 2))) {
      next.value = twoDigitYear(next.value, nowMs);
    }
    values[t.letter === 'L' ? 'M' : t.letter] = next.value;
    pos += next.len;
  }
  return resolve(values);
}

function number(text: string, pos: number, width: number | undefined): { value: number; len: number } | undefined {
  const m = /^\d+/.exec(text.slice(pos, pos + (width ?? 18)));
  if (!m) return undefined;
  return { value: Number(m[0]), len: m[0].length };
}

function matchName(text: string, pos: number, names: readonly string[]): { value: number; len: number } | undefined {
  const rest = text.slice(pos, pos + 12).toLowerCase();
  for (const len of [0, 3]) {
    const i = names.findIndex((n) => rest.startsWith((len ? n.slice(0, len) : n).toLowerCase()));
    if (i >= 0) return { value: i, len: len || names[i].length };
  }
  return undefined;
}

function textField(text: string, pos: number, letter: string): { value: number; len: number } | undefined {
  switch (letter) {
    case 'M':
    case 'L': {
      const m = matchName(text, pos, MONTHS);
      return m && { value: m.value + 1, len: m.len };
    }
    case 'E':
      return matchName(text, pos, DAYS);
    case 'a':
      return matchName(text, pos, ['AM', 'PM']);
    case 'G':
      return matchName(text, pos, ['BC', 'AD']);
    default:
      return zone(text, pos);
  }
}

/** Zone offsets in minutes: Z, ±hh, ±hhmm, ±hh:mm, GMT±hh:mm, UTC, GMT and US zone names. */
function zone(text: string, pos: number): { value: number; len: number } | undefined {
  const rest = text.slice(pos, pos + 12);
  const m = /^(?:GMT|UTC)?([+-])(\d{1,2})(?::?(\d{2}))?/.exec(rest);
  if (m) return { value: (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0)), len: m[0].length };
  const name = /^[A-Z]{1,4}/.exec(rest)?.[0];
  for (let len = name?.length ?? 0; len > 0; len--) {
    const offset = ZONES[rest.slice(0, len)];
    if (offset !== undefined) return { value: offset, len };
  }
  return undefined;
}

function twoDigitYear(value: number, nowMs: number): number {
  const start = fieldsOf(nowMs).year - 80;
  const year = Math.floor(start / 100) * 100 + value;
  return year < start ? year + 100 : year;
}

function hourOf(v: Parsed): number {
  const pm = v.a === 1;
  if (v.H !== undefined) return v.H;
  if (v.k !== undefined) return v.k === 24 ? 0 : v.k;
  if (v.h !== undefined) return (v.h % 12) + (pm ? 12 : 0);
  if (v.K !== undefined) return v.K + (pm ? 12 : 0);
  return 0;
}

function resolve(v: Parsed): number {
  const hour = hourOf(v);
  const time = ((hour * 60 + (v.m ?? 0)) * 60 + (v.s ?? 0)) * 1000 + (v.S ?? 0);
  const offset = (v.X ?? v.Z ?? v.z ?? 0) * 60_000;
  let day: number;
  if (v.Y !== undefined && v.y === undefined) {
    const dow = v.E !== undefined ? v.E : 0;
    day = weekOneStart(v.Y) + ((v.w ?? 1) - 1) * 7 * DAY_MS + dow * DAY_MS;
  } else {
    let year = v.y ?? 1970;
    if (v.G === 0) year = 1 - year;
    day =
      v.D !== undefined && v.M === undefined && v.d === undefined
        ? utcMs(year, 1, v.D)
        : utcMs(year, v.M ?? 1, v.d ?? 1);
  }
  return day + time - offset;
}
