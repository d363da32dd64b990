/**
 * normalizeNames (doc §4.20), the recommended algorithm, which reproduces every documented
 * example and the tenant observation `mac-donalds` → `Mac-donalds`:
 * 1. lower-case all; upper-case the first character and every letter after a space, `-` or `'`;
 * 2. a space-separated word starting with `mc`/`mac` and longer than the prefix becomes
 *    `Mc`/`Mac` + upper-cased next character + the rest in lower case;
 * 3. the whole words von, del, of, de, la, y become lower case (anywhere, also first);
 * 4. a last word (not the only one) that is II, III, IV, VI, VII, VIII or IX becomes upper case
 *    (V, X and I are left alone: usually initials).
 * Decision (doc §14.13): `Mack`/`Machado` get the Mac rule too (`MacK`), as recommended.
 */
import type { OpCompiler } from '../compiler.js';
import { textOp } from './text.js';

const PARTICLES = new Set(['von', 'del', 'of', 'de', 'la', 'y']);
const ROMAN = new Set(['ii', 'iii', 'iv', 'vi', 'vii', 'viii', 'ix']);

function properCase(text: string): string {
  let out = '';
  let upperNext = true;
  for (const ch of text.toLowerCase()) {
    out += upperNext ? ch.toUpperCase() : ch;
    upperNext = ch === ' ' || ch === '-' || ch === "'";
  }
  return out;
}

function fixWord(word: string, i: number, count: number): string {
  const lower = word.toLowerCase();
  if (PARTICLES.has(lower)) return lower;
  if (i === count - 1 && i > 0 && ROMAN.has(lower)) return word.toUpperCase();
  const prefix = lower.startsWith('mac') ? 3 : lower.startsWith('mc') ? 2 : 0;
  if (prefix && word.length > prefix) {
    const rest = word.slice(prefix);
    return (prefix === 3 ? 'Mac' : 'Mc') + rest.charAt(0).toUpperCase() + rest.slice(1).toLowerCase();
  }
  return word;
}

export function normalizeName(text: string): string {
  const words = properCase(text).split(' ');
  return words.map((w, i) => fixWord(w, i, words.length)).join(' ');
}

export const NAME_OPERATIONS: Record<string, OpCompiler> = {
  normalizeNames: textOp(normalizeName),
};
