/**
 * `sw` as a range of texts: a text starts with P exactly when P ≤ text < P with its last code
 * point raised by one, in code-point order (the byte order of UTF-8, PostgreSQL's `~>=~`/`~<~`).
 * Unlike `LIKE 'P%'` with P a parameter, the range lets a generic plan (a prepared statement's)
 * use an index with `text_pattern_ops`.
 */

/** Lone surrogates as U+FFFD, which is what reaches the database (UTF-8 cannot carry them). */
export const wellFormed = (text: string) =>
  text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');

/**
 * The least text above every text that starts with `prefix` (in code-point order): the prefix with
 * its last code point raised by one (U+D7FF to U+E000: surrogates are no characters), dropping
 * trailing U+10FFFF; undefined when there is none (an empty prefix, or only U+10FFFF).
 */
export function successor(prefix: string): string | undefined {
  const points = Array.from(prefix, (ch) => ch.codePointAt(0)!);
  while (points.length > 0) {
    const last = points.pop()!;
    if (last < 0x10ffff) {
      points.push(last === 0xd7ff ? 0xe000 : last + 1);
      return String.fromCodePoint(...points);
    }
  }
  return undefined;
}
