/**
 * Java SimpleDateFormat patterns: tokenizing (quotes, illegal letters) and formatting in UTC,
 * English names. Letters: G y Y M L w W D d F E u a H k K h m s S z Z X (doc §6.2).
 */
import { dayOfYear, DAYS, fieldsOf, MONTHS, weekDate, weekOfMonth, type Fields } from './calendar.js';

export type Token =
  | { readonly k: 'lit'; readonly text: string }
  | { readonly k: 'field'; readonly letter: string; readonly count: number };

const LETTERS = 'GyYMLwWDdFEuaHkKhmsSzZX';

/** Thrown for a malformed pattern. */
export class PatternError extends Error {}

export function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  let lit = '';
  let i = 0;
  const flush = () => {
    if (lit) tokens.push({ k: 'lit', text: lit });
    lit = '';
  };
  while (i < pattern.length) {
    const ch = pattern[i];
    if (ch === "'") {
      if (pattern[i + 1] === "'") {
        lit += "'";
        i += 2;
        continue;
      }
      const end = closingQuote(pattern, i + 1);
      lit += pattern.slice(i + 1, end).replace(/''/g, "'");
      i = end + 1;
    } else if (/[A-Za-z]/.test(ch)) {
      if (!LETTERS.includes(ch)) throw new PatternError(`illegal pattern character '${ch}' (quote literal text: 'T')`);
      let count = 1;
      while (pattern[i + count] === ch) count++;
      flush();
      tokens.push({ k: 'field', letter: ch, count });
      i += count;
    } else {
      lit += ch;
      i++;
    }
  }
  flush();
  return tokens;
}

function closingQuote(pattern: string, from: number): number {
  for (let i = from; i < pattern.length; i++) {
    if (pattern[i] !== "'") continue;
    if (pattern[i + 1] === "'") i++;
    else return i;
  }
  throw new PatternError('unterminated quote in pattern');
}

function pad(n: number, count: number): string {
  const s = String(Math.abs(n));
  return (n < 0 ? '-' : '') + (s.length >= count ? s : '0'.repeat(count - s.length) + s);
}

function year(y: number, count: number): string {
  const era = y > 0 ? y : 1 - y;
  return count === 2 ? pad(era % 100, 2) : pad(era, count);
}

/** Formats epoch ms with the tokens, in UTC. */
export function formatTokens(ms: number, tokens: readonly Token[]): string {
  const f = fieldsOf(ms);
  let out = '';
  for (const t of tokens) out += t.k === 'lit' ? t.text : field(ms, f, t.letter, t.count);
  return out;
}

function field(ms: number, f: Fields, letter: string, count: number): string {
  switch (letter) {
    case 'G':
      return f.year > 0 ? 'AD' : 'BC';
    case 'y':
      return year(f.year, count);
    case 'Y':
      return year(weekDate(ms).weekYear, count);
    case 'M':
    case 'L':
      return count >= 4 ? MONTHS[f.month - 1] : count === 3 ? MONTHS[f.month - 1].slice(0, 3) : pad(f.month, count);
    case 'w':
      return pad(weekDate(ms).week, count);
    case 'W':
      return pad(weekOfMonth(f), count);
    case 'D':
      return pad(dayOfYear(f), count);
    case 'd':
      return pad(f.day, count);
    case 'F':
      return pad(Math.floor((f.day - 1) / 7) + 1, count);
    case 'E':
      return count >= 4 ? DAYS[f.dow] : DAYS[f.dow].slice(0, 3);
    case 'u':
      return pad(f.dow === 0 ? 7 : f.dow, count);
    case 'a':
      return f.hour < 12 ? 'AM' : 'PM';
    case 'H':
      return pad(f.hour, count);
    case 'k':
      return pad(f.hour === 0 ? 24 : f.hour, count);
    case 'K':
      return pad(f.hour % 12, count);
    case 'h':
      return pad(f.hour % 12 === 0 ? 12 : f.hour % 12, count);
    case 'm':
      return pad(f.minute, count);
    case 's':
      return pad(f.second, count);
    case 'S':
      return pad(f.millis, count);
    case 'z':
      return count >= 4 ? 'Coordinated Universal Time' : 'UTC';
    case 'Z':
      return '+0000';
    default:
      return 'Z';
  }
}
