/**
 * Lexer for the filter language. It knows only five shapes: parentheses,
 * commas, double-quoted strings and bare words (anything else up to
 * whitespace, `(`, `)`, `,` or `"`). Whether a bare word is a field, an
 * operator, a number, a date-time or an unquoted string is the parser's
 * decision, because it depends on where the word stands.
 */
import { syntaxError } from './errors.js';

export type TokenKind = 'word' | 'string' | 'lparen' | 'rparen' | 'comma' | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** The exact source text (for strings: with quotes and escapes). */
  readonly text: string;
  /** Strings: the unescaped content. Others: same as `text`. */
  readonly value: string;
  /** 0-based offset of the token's first character. */
  readonly position: number;
}

const PUNCTUATION: Readonly<Record<string, TokenKind>> = { '(': 'lparen', ')': 'rparen', ',': 'comma' };
const WORD_END = /[\s(),"]/;
const WHITESPACE = /\s/;

/**
 * Splits a filter into tokens, always ending with one `end` token.
 * @throws QueryError on an unterminated string, an unsupported escape or a NUL character.
 */
export function tokenize(text: string): Token[] {
  // PostgreSQL text cannot hold NUL: refuse it here rather than fail in the database.
  const nul = text.indexOf('\u0000');
  if (nul >= 0) throw syntaxError(nul, 'the filter contains a NUL character');
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (WHITESPACE.test(ch)) {
      i += 1;
    } else if (PUNCTUATION[ch] !== undefined) {
      tokens.push({ kind: PUNCTUATION[ch], text: ch, value: ch, position: i });
      i += 1;
    } else if (ch === '"') {
      const token = readString(text, i);
      tokens.push(token);
      i += token.text.length;
    } else {
      let end = i + 1;
      while (end < text.length && !WORD_END.test(text[end])) end += 1;
      const word = text.slice(i, end);
      tokens.push({ kind: 'word', text: word, value: word, position: i });
      i = end;
    }
  }
  tokens.push({ kind: 'end', text: '', value: '', position: text.length });
  return tokens;
}

/** Reads a double-quoted string starting at `start`; `\"` and `\\` are the only escapes. */
function readString(text: string, start: number): Token {
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"') {
      return { kind: 'string', text: text.slice(start, i + 1), value, position: start };
    }
    if (ch === '\\') {
      const next = text[i + 1];
      if (next !== '"' && next !== '\\') {
        const found = next === undefined ? 'end of filter' : `'\\${next}'`;
        throw syntaxError(i, `unsupported escape ${found} in string (only \\" and \\\\ are allowed)`);
      }
      value += next;
      i += 2;
    } else {
      value += ch;
      i += 1;
    }
  }
  throw syntaxError(start, 'unterminated string (missing closing ")');
}
