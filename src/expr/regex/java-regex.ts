/**
 * Java regular expressions on a linear-time engine (re2js): user patterns cannot hang the
 * process. Java syntax is translated where RE2 spells it differently (`\uXXXX`, POSIX-style
 * `\p{Alpha}`, `\p{InCombiningDiacriticalMarks}`); features RE2 cannot run in linear time
 * (backreferences, lookahead, possessive quantifiers, atomic groups) are rejected with a
 * clear message. Captureless lookbehind is supported (re2js LOOKBEHINDS).
 */
import { RE2JS } from 're2js';

export interface JavaRegex {
  readonly source: string;
  readonly re: RE2JS;
  readonly groupCount: number;
  readonly groupNames: readonly string[];
  /** Size of the compiled program: what compiling and running it costs. */
  readonly instructions: number;
}

/** Thrown for an unusable pattern or replacement; callers turn it into a compile or eval error. */
export class RegexError extends Error {}

const MAX_INSTRUCTIONS = 20_000;

const CLASS_BODIES: Record<string, string> = {
  Lower: 'a-z',
  Upper: 'A-Z',
  ASCII: '\\x00-\\x7F',
  Alpha: 'a-zA-Z',
  Digit: '0-9',
  Alnum: 'a-zA-Z0-9',
  Punct: '!-\\/:-@\\[-`{-~',
  Graph: '!-~',
  Print: ' -~',
  Blank: ' \\t',
  Cntrl: '\\x00-\\x1F\\x7F',
  XDigit: '0-9a-fA-F',
  Space: ' \\t\\n\\x0B\\f\\r',
  InCombiningDiacriticalMarks: '\\x{0300}-\\x{036F}',
  javaLowerCase: '\\p{Ll}',
  javaUpperCase: '\\p{Lu}',
  javaWhitespace: '\\s',
  IsAlphabetic: '\\p{L}\\p{Nl}',
  IsLetter: '\\p{L}',
  IsDigit: '\\p{Nd}',
  IsLatin: '\\p{Latin}',
  IsWhite_Space: '\\s',
};

let compilations = 0;
/** How many patterns this process has compiled: the work a test can bound. */
export const regexCompilations = () => compilations;

/** Compiles a Java pattern; throws RegexError with a user-facing message. */
export function compileJavaRegex(source: string, maxLength: number, maxInstructions = MAX_INSTRUCTIONS): JavaRegex {
  if (source.length > maxLength) throw new RegexError(`regular expression longer than ${maxLength} characters`);
  const translated = translate(source);
  compilations++;
  let re: RE2JS;
  try {
    re = RE2JS.compile(translated, RE2JS.LOOKBEHINDS);
  } catch (e) {
    throw new RegexError(`invalid regular expression: ${(e as Error).message}`);
  }
  const instructions = re.re2().numberOfInstructions();
  if (instructions > Math.min(maxInstructions, MAX_INSTRUCTIONS))
    throw new RegexError(
      `regular expression too complex (${instructions} instructions; limit ${Math.min(maxInstructions, MAX_INSTRUCTIONS)})`,
    );
  const groupNames = [...translated.matchAll(/\(\?P?<([A-Za-z][A-Za-z0-9]*)>/g)].map((m) => m[1]);
  return { source, re, groupCount: re.matcher('').groupCount(), groupNames, instructions };
}

/** Rewrites Java-only syntax into RE2 syntax, rejecting what RE2 cannot do. */
function translate(src: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (ch === '\\') {
      const [text, used] = translateEscape(src, i, inClass);
      out += text;
      i += used - 1;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      else if (ch === '&' && src[i + 1] === '&')
        throw new RegexError('character class intersection (&&) is not supported');
    } else if (ch === '[') {
      inClass = true;
    } else if (ch === '(' && src[i + 1] === '?') {
      checkGroup(src.slice(i, i + 4));
    } else if ((ch === '+' || ch === '?' || ch === '*' || ch === '}') && src[i + 1] === '+') {
      throw new RegexError('possessive quantifiers are not supported');
    }
    out += ch;
  }
  return out;
}

function checkGroup(head: string): void {
  if (head.startsWith('(?=') || head.startsWith('(?!')) throw new RegexError('lookahead is not supported');
  if (head.startsWith('(?>')) throw new RegexError('atomic groups are not supported');
}

/** Translates the escape at `i`; returns the text and the number of source chars used. */
function translateEscape(src: string, i: number, inClass: boolean): [string, number] {
  const next = src[i + 1];
  if (next === undefined) throw new RegexError('pattern ends with a backslash');
  if (next === 'Q') {
    const end = src.indexOf('\\E', i + 2);
    const body = end < 0 ? src.slice(i + 2) : src.slice(i + 2, end);
    const used = end < 0 ? src.length - i : end + 2 - i;
    return [body.replace(/[\\^$.|?*+()[\]{}-]/g, (c) => `\\${c}`), used];
  }
  if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(src.slice(i + 2, i + 6))) return [`\\x{${src.slice(i + 2, i + 6)}}`, 6];
  if (/[1-9]/.test(next) && !inClass) throw new RegexError('backreferences are not supported');
  if (next === 'k') throw new RegexError('named backreferences are not supported');
  if ((next === 'p' || next === 'P') && src[i + 2] === '{') {
    const close = src.indexOf('}', i + 3);
    const name = close < 0 ? '' : src.slice(i + 3, close);
    const body = CLASS_BODIES[name] ?? CLASS_BODIES[name.replace(/^Is/, '')];
    if (body && close >= 0) {
      const used = close + 1 - i;
      if (next === 'P') {
        if (inClass) throw new RegexError(`\\P{${name}} inside a character class is not supported`);
        return [`[^${body}]`, used];
      }
      return [inClass ? body : `[${body}]`, used];
    }
  }
  return [`\\${next}`, 2];
}

/** One piece of a parsed Java replacement string. */
export type ReplacementPart = string | { group: number | string };

/**
 * Parses a Java `Matcher.replaceAll` replacement: `$n`/`${name}` are group references (a
 * multi-digit number is taken as long as the group exists), `\x` is a literal `x`.
 */
export function parseReplacement(repl: string, rx: JavaRegex): ReplacementPart[] {
  const parts: ReplacementPart[] = [];
  let lit = '';
  for (let i = 0; i < repl.length; i++) {
    const ch = repl[i];
    if (ch === '\\') {
      if (i + 1 >= repl.length) throw new RegexError('replacement ends with a backslash');
      lit += repl[++i];
    } else if (ch === '$') {
      if (lit) parts.push(lit);
      lit = '';
      i = groupReference(repl, i, rx, parts);
    } else {
      lit += ch;
    }
  }
  if (lit) parts.push(lit);
  return parts;
}

function groupReference(repl: string, i: number, rx: JavaRegex, parts: ReplacementPart[]): number {
  if (repl[i + 1] === '{') {
    const close = repl.indexOf('}', i + 2);
    const name = close < 0 ? '' : repl.slice(i + 2, close);
    if (!rx.groupNames.includes(name)) throw new RegexError(`no group named "${name}" in the regular expression`);
    parts.push({ group: name });
    return close;
  }
  if (!/[0-9]/.test(repl[i + 1] ?? ''))
    throw new RegexError('illegal group reference in replacement ("$" must be escaped as "\\$")');
  let group = Number(repl[i + 1]);
  if (group > rx.groupCount) throw new RegexError(`no group ${group} in the regular expression`);
  let j = i + 2;
  while (j < repl.length && /[0-9]/.test(repl[j]) && group * 10 + Number(repl[j]) <= rx.groupCount) {
    group = group * 10 + Number(repl[j++]);
  }
  parts.push({ group });
  return j - 1;
}

/** Java `String.replaceAll`; returns undefined when the result would exceed `maxLength`. */
export function replaceAll(
  rx: JavaRegex,
  text: string,
  parts: readonly ReplacementPart[],
  maxLength: number,
): string | undefined {
  const m = rx.re.matcher(text);
  let out = '';
  let last = 0;
  while (m.find()) {
    out += text.slice(last, m.start());
    for (const p of parts) out += typeof p === 'string' ? p : (m.group(p.group) ?? '');
    last = m.end();
    if (out.length > maxLength) return undefined;
  }
  if (last === 0 && out === '') return text;
  out += text.slice(last);
  return out.length > maxLength ? undefined : out;
}

/** Java `String.split(regex)`: no empty leading piece for a zero-width match at 0; trailing empties dropped. */
export function split(rx: JavaRegex, text: string): string[] {
  const m = rx.re.matcher(text);
  const pieces: string[] = [];
  let index = 0;
  while (m.find()) {
    if (index === 0 && m.start() === 0 && m.end() === 0) continue;
    pieces.push(text.slice(index, m.start()));
    index = m.end();
  }
  if (index === 0 && pieces.length === 0) return [text];
  pieces.push(text.slice(index));
  let n = pieces.length;
  while (n > 0 && pieces[n - 1] === '') n--;
  return pieces.slice(0, n);
}

/** Java `String.matches`: the whole text matches. */
export function matchesWhole(rx: JavaRegex, text: string): boolean {
  return rx.re.matches(text);
}

/**
 * Evaluation steps (runtime.ts `charge`; one step is some 30 ns of work) that running `rx` over
 * `length` characters may cost: RE2's set-up grows with the program, its scan with program times
 * text (measured in bench/transforms.ts --hostile). An upper estimate, the same on every machine.
 */
export function matchCost(rx: JavaRegex, length: number): number {
  return Math.ceil(rx.instructions * (16 + length / 200));
}

/** Evaluation steps that compiling `rx` at run time costs (some 10 µs per instruction, 3 µs per source character). */
export function compileCost(rx: JavaRegex): number {
  return rx.instructions * 300 + rx.source.length * 100;
}

const dynamicCache = new Map<string, JavaRegex | RegexError>();

/** Compiles patterns met at run time (dynamic attributes, template methods), with a bounded cache. */
export function cachedRegex(source: string, maxLength: number): JavaRegex {
  let entry = dynamicCache.get(source);
  if (!entry) {
    try {
      entry = compileJavaRegex(source, maxLength);
    } catch (e) {
      entry = e instanceof RegexError ? e : new RegexError(String(e));
    }
    if (dynamicCache.size >= 256) dynamicCache.clear();
    dynamicCache.set(source, entry);
  }
  if (entry instanceof RegexError) throw entry;
  return entry;
}
