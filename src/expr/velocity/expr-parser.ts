/**
 * Expression and reference parsing for the Velocity subset (inside `#if(…)`, `#set(…)`,
 * `#foreach(…)`, method arguments and `$ref` chains).
 */
import type { BinaryOp, Expr, RefPart, Reference, TNode } from './ast.js';
import { Cursor, isIdentStart } from './cursor.js';

/** Parses a template body; injected by the template parser (interpolated strings need it). */
export type BodyParser = (cur: Cursor, source: string) => readonly TNode[];

const WORD_OPS: Record<string, BinaryOp> = { eq: '==', ne: '!=', lt: '<', gt: '>', le: '<=', ge: '>=' };
const COMPARE = ['==', '!=', '<=', '>=', '<', '>'] as const;

export class ExprParser {
  constructor(
    private readonly cur: Cursor,
    private readonly parseBody: BodyParser,
  ) {}

  expression(): Expr {
    this.cur.enter();
    const e = this.or();
    this.cur.leave();
    return e;
  }

  private or(): Expr {
    let left = this.and();
    while (this.op('||') || this.word('or')) left = { k: 'bin', op: '||', left, right: this.and() };
    return left;
  }

  private and(): Expr {
    let left = this.not();
    while (this.op('&&') || this.word('and')) left = { k: 'bin', op: '&&', left, right: this.not() };
    return left;
  }

  private not(): Expr {
    this.cur.skipSpaces();
    if ((this.cur.peek() === '!' && this.cur.peek(1) !== '=') || this.word('not')) {
      if (this.cur.peek() === '!') this.cur.pos++;
      this.cur.enter();
      const arg = this.not();
      this.cur.leave();
      return { k: 'not', arg };
    }
    return this.compare();
  }

  private compare(): Expr {
    const left = this.additive();
    this.cur.skipSpaces();
    for (const op of COMPARE) if (this.op(op)) return { k: 'bin', op, left, right: this.additive() };
    for (const [w, op] of Object.entries(WORD_OPS))
      if (this.word(w)) return { k: 'bin', op, left, right: this.additive() };
    return left;
  }

  private additive(): Expr {
    let left = this.multiplicative();
    for (;;) {
      this.cur.skipSpaces();
      const ch = this.cur.peek();
      if (ch !== '+' && ch !== '-') return left;
      this.cur.pos++;
      left = { k: 'bin', op: ch, left, right: this.multiplicative() };
    }
  }

  private multiplicative(): Expr {
    let left = this.unary();
    for (;;) {
      this.cur.skipSpaces();
      const ch = this.cur.peek();
      if (ch !== '*' && ch !== '/' && ch !== '%') return left;
      this.cur.pos++;
      left = { k: 'bin', op: ch, left, right: this.unary() };
    }
  }

  private unary(): Expr {
    this.cur.skipSpaces();
    if (this.cur.peek() === '-' && !/[0-9]/.test(this.cur.peek(1))) {
      this.cur.pos++;
      return { k: 'neg', arg: this.unary() };
    }
    return this.primary();
  }

  private primary(): Expr {
    const cur = this.cur;
    cur.skipSpaces();
    const ch = cur.peek();
    if (ch === '(') {
      cur.pos++;
      const e = this.expression();
      cur.expect(')');
      return e;
    }
    if (ch === '$') return { k: 'ref', ref: this.reference(true) as Reference };
    if (ch === '"' || ch === "'") return this.stringLiteral(ch);
    if (ch === '[') return this.listOrRange();
    if (ch === '{') return this.mapLiteral();
    const num = /^-?\d+(\.\d+)?/.exec(cur.src.slice(cur.pos, cur.pos + 40));
    if (num) {
      cur.pos += num[0].length;
      return { k: 'lit', value: Number(num[0]) };
    }
    if (this.word('true')) return { k: 'lit', value: true };
    if (this.word('false')) return { k: 'lit', value: false };
    if (this.word('null')) return { k: 'lit', value: null };
    return cur.error(ch ? `unexpected "${ch}" in expression` : 'unexpected end of expression');
  }

  private stringLiteral(quote: string): Expr {
    const cur = this.cur;
    cur.pos++;
    let text = '';
    for (;;) {
      if (cur.eof()) cur.error('unterminated string');
      const ch = cur.peek();
      cur.pos++;
      if (ch !== quote) text += ch;
      else if (cur.peek() === quote) {
        text += quote;
        cur.pos++;
      } else break;
    }
    if (quote === "'" || (!text.includes('$') && !text.includes('#'))) return { k: 'lit', value: text };
    const inner = new Cursor(text, cur.path, cur.maxDepth);
    inner.depth = cur.depth;
    return { k: 'interp', body: this.parseBody(inner, text) };
  }

  private listOrRange(): Expr {
    const cur = this.cur;
    cur.pos++;
    cur.skipSpaces();
    if (cur.peek() === ']') {
      cur.pos++;
      return { k: 'list', items: [] };
    }
    const first = this.expression();
    cur.skipSpaces();
    if (cur.startsWith('..')) {
      cur.pos += 2;
      const to = this.expression();
      cur.expect(']');
      return { k: 'range', from: first, to };
    }
    const items = [first];
    while (this.op(',')) items.push(this.expression());
    cur.expect(']');
    return { k: 'list', items };
  }

  private mapLiteral(): Expr {
    const cur = this.cur;
    cur.pos++;
    const entries: [Expr, Expr][] = [];
    cur.skipSpaces();
    if (cur.peek() !== '}') {
      do {
        const key = this.expression();
        cur.expect(':');
        entries.push([key, this.expression()]);
      } while (this.op(','));
    }
    cur.expect('}');
    return { k: 'map', entries };
  }

  /**
   * Parses `$x`, `$!x`, `${x}`, `$!{x.y}` with chains. In expressions (`strict`) a malformed
   * reference is an error; in text it returns undefined so the `$` stays literal.
   */
  reference(strict: boolean): Reference | undefined {
    const cur = this.cur;
    const start = cur.pos;
    cur.pos++;
    const quiet = cur.peek() === '!';
    if (quiet) cur.pos++;
    const formal = cur.peek() === '{';
    if (formal) cur.pos++;
    const name = cur.identifier();
    if (!name) {
      if (strict) cur.error('expected a variable name after "$"');
      cur.pos = start;
      return undefined;
    }
    const parts = this.parts(formal);
    if (formal) cur.expect('}', '"}" closing the reference');
    return { name, parts, quiet, source: cur.src.slice(start, cur.pos) };
  }

  private parts(formal: boolean): RefPart[] {
    const cur = this.cur;
    const parts: RefPart[] = [];
    for (;;) {
      if (cur.peek() === '.' && isIdentStart(cur.peek(1))) {
        cur.pos++;
        const name = cur.identifier();
        if (cur.peek() === '(') parts.push({ k: 'call', name, args: this.args() });
        else parts.push({ k: 'prop', name });
      } else if (cur.peek() === '[' && (formal || this.indexFollows())) {
        cur.pos++;
        parts.push({ k: 'index', index: this.expression() });
        cur.expect(']');
      } else {
        return parts;
      }
    }
  }

  /** In text, `$x[` starts an index only for `[digits]`, `[$var]` or `['key']`. */
  private indexFollows(): boolean {
    return /^\[\s*(-?\d+|\$!?\{?[A-Za-z_][A-Za-z0-9_]*\}?|'[^']*'|"[^"]*")\s*\]/.test(
      this.cur.src.slice(this.cur.pos, this.cur.pos + 200),
    );
  }

  private args(): Expr[] {
    const cur = this.cur;
    cur.pos++;
    cur.enter();
    const args: Expr[] = [];
    cur.skipSpaces();
    if (cur.peek() !== ')') {
      do args.push(this.expression());
      while (this.op(','));
    }
    cur.expect(')');
    cur.leave();
    return args;
  }

  /** Consumes a symbolic operator (after spaces). */
  private op(text: string): boolean {
    this.cur.skipSpaces();
    if (!this.cur.startsWith(text)) return false;
    this.cur.pos += text.length;
    return true;
  }

  /** Consumes a word operator/literal when it stands alone. */
  private word(text: string): boolean {
    this.cur.skipSpaces();
    if (!this.cur.startsWith(text) || /[A-Za-z0-9_]/.test(this.cur.peek(text.length))) return false;
    this.cur.pos += text.length;
    return true;
  }
}
