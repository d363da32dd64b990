/**
 * Template-level parser of the Velocity subset: text, `$references`, comments (`##`, `#* *#`),
 * unparsed blocks (`#[[ ]]#`), `\$`/`\#` escapes and the directives #if/#elseif/#else/#end,
 * #set, #foreach and #break (also in the `#{else}` form). Unknown `#words` stay literal text.
 * Whitespace follows Velocity 2's "lines" gobbling: a line holding only a directive vanishes.
 */
import { compileFail } from '../errors.js';
import type { Compiler } from '../compiler.js';
import type { Expr, TNode, Template } from './ast.js';
import { Cursor } from './cursor.js';
import { ExprParser } from './expr-parser.js';

type End = 'eof' | 'end' | 'else' | 'elseif';

const DIRECTIVE = /^#(\{)?(if|elseif|else|end|set|foreach|break)(\})?/;
const MAX_TEMPLATE_NESTING = 32;

/**
 * Parses `source`; a plain-text source yields a constant template. What is parsed is paid for
 * from the whole-definition budget (`templateChars`).
 */
export function parseTemplate(source: string, path: string, c: Pick<Compiler, 'limits' | 'spend'>): Template {
  const { limits } = c;
  if (source.length > limits.maxTemplateLength) {
    compileFail(`template longer than ${limits.maxTemplateLength} characters`, path);
  }
  if (!/[$#\\]/.test(source)) return { source, nodes: [{ k: 'text', text: source }], constant: source };
  c.spend('templateChars', source.length, path);
  const cur = new Cursor(source, path, Math.min(limits.maxDepth, MAX_TEMPLATE_NESTING));
  const nodes = parseBody(cur, source);
  const constant = nodes.length === 1 && nodes[0].k === 'text' ? nodes[0].text : nodes.length === 0 ? '' : undefined;
  return { source, nodes, constant };
}

/** Parses a whole (sub)template until its end; used for interpolated strings too. */
function parseBody(cur: Cursor, _source: string): readonly TNode[] {
  const { nodes, end } = parseBlock(cur, new ExprParser(cur, parseBody));
  if (end !== 'eof') cur.error(`#${end} without a matching #if`);
  return nodes;
}

function parseBlock(cur: Cursor, ep: ExprParser): { nodes: TNode[]; end: End } {
  const nodes: TNode[] = [];
  let text = '';
  const flush = () => {
    if (text) nodes.push({ k: 'text', text });
    text = '';
  };
  while (!cur.eof()) {
    const ch = cur.peek();
    if (ch === '#') {
      const directive = DIRECTIVE.exec(cur.src.slice(cur.pos, cur.pos + 12));
      if (directive && isDirective(cur, directive)) {
        text = gobbleBefore(cur, text);
        flush();
        const end = parseDirective(cur, ep, directive, nodes);
        if (end) return { nodes, end };
        continue;
      }
      text += comment(cur);
    } else if (ch === '$') {
      const ref = ep.reference(false);
      if (ref) {
        flush();
        nodes.push({ k: 'ref', ref });
      } else {
        text += '$';
        cur.pos++;
      }
    } else if (ch === '\\' && (cur.peek(1) === '$' || cur.peek(1) === '#')) {
      text += cur.peek(1);
      cur.pos += 2;
    } else {
      const next = nextSpecial(cur);
      text += cur.src.slice(cur.pos, next);
      cur.pos = next;
    }
  }
  flush();
  return { nodes, end: 'eof' };
}

function nextSpecial(cur: Cursor): number {
  let i = cur.pos + 1;
  const src = cur.src;
  while (i < src.length) {
    const c = src.charCodeAt(i);
    if (c === 0x23 || c === 0x24 || c === 0x5c) break;
    i++;
  }
  return i;
}

/** A `#word` is a directive when it is well-formed: braces balanced, not a longer word. */
function isDirective(cur: Cursor, m: RegExpExecArray): boolean {
  if (Boolean(m[1]) !== Boolean(m[3])) return false;
  if (!m[1] && /[A-Za-z0-9_]/.test(cur.peek(m[0].length))) return false;
  return true;
}

/** Comments and unparsed blocks starting at `#`; returns the text they contribute. */
function comment(cur: Cursor): string {
  if (cur.startsWith('##')) {
    const nl = cur.src.indexOf('\n', cur.pos);
    cur.pos = nl < 0 ? cur.src.length : nl + 1;
    return '';
  }
  if (cur.startsWith('#*')) {
    const close = cur.src.indexOf('*#', cur.pos + 2);
    cur.pos = close < 0 ? cur.src.length : close + 2;
    return '';
  }
  if (cur.startsWith('#[[')) {
    const close = cur.src.indexOf(']]#', cur.pos + 3);
    const end = close < 0 ? cur.src.length : close;
    const raw = cur.src.slice(cur.pos + 3, end);
    cur.pos = close < 0 ? end : end + 3;
    return raw;
  }
  cur.pos++;
  return '#';
}

/** Returns an end marker for #end/#else/#elseif, else appends the directive's node. */
function parseDirective(cur: Cursor, ep: ExprParser, m: RegExpExecArray, nodes: TNode[]): End | undefined {
  const name = m[2];
  cur.pos += m[0].length;
  if (name === 'end' || name === 'else' || name === 'elseif') {
    if (name !== 'elseif') gobbleAfter(cur);
    return name;
  }
  if (name === 'break') {
    gobbleAfter(cur);
    nodes.push({ k: 'break' });
    return undefined;
  }
  if (name === 'set') nodes.push(parseSet(cur, ep));
  else if (name === 'if') nodes.push(parseIf(cur, ep));
  else nodes.push(parseForeach(cur, ep));
  return undefined;
}

function parenExpr(cur: Cursor, ep: ExprParser): Expr {
  cur.expect('(');
  const e = ep.expression();
  cur.expect(')');
  gobbleAfter(cur);
  return e;
}

function parseIf(cur: Cursor, ep: ExprParser): TNode {
  cur.enter();
  const branches: { cond: Expr; body: TNode[] }[] = [];
  let cond = parenExpr(cur, ep);
  for (;;) {
    const { nodes, end } = parseBlock(cur, ep);
    branches.push({ cond, body: nodes });
    if (end === 'elseif') {
      cond = parenExpr(cur, ep);
      continue;
    }
    if (end === 'eof') cur.error('#if without #end');
    cur.leave();
    if (end === 'end') return { k: 'if', branches };
    const rest = parseBlock(cur, ep);
    if (rest.end !== 'end') cur.error('#else without #end');
    return { k: 'if', branches, otherwise: rest.nodes };
  }
}

function parseSet(cur: Cursor, ep: ExprParser): TNode {
  cur.expect('(');
  cur.skipSpaces();
  const ref = cur.peek() === '$' ? ep.reference(true) : undefined;
  if (!ref || ref.parts.length > 0) cur.error('#set needs a simple $variable on the left');
  cur.expect('=');
  const value = ep.expression();
  cur.expect(')');
  gobbleAfter(cur);
  return { k: 'set', name: ref.name, value };
}

function parseForeach(cur: Cursor, ep: ExprParser): TNode {
  cur.enter();
  cur.expect('(');
  cur.skipSpaces();
  const ref = cur.peek() === '$' ? ep.reference(true) : undefined;
  if (!ref || ref.parts.length > 0) cur.error('#foreach needs a simple $variable');
  cur.skipSpaces();
  if (!/^in\b/.test(cur.src.slice(cur.pos, cur.pos + 3))) cur.error('expected "in"');
  cur.pos += 2;
  const iterable = ep.expression();
  cur.expect(')');
  gobbleAfter(cur);
  const { nodes, end } = parseBlock(cur, ep);
  if (end !== 'end') cur.error('#foreach without #end');
  cur.leave();
  return { k: 'foreach', name: ref.name, iterable, body: nodes };
}

/** Line gobbling, part 1: drops the indentation before a directive that starts its line. */
function gobbleBefore(cur: Cursor, text: string): string {
  const lineStart = cur.src.lastIndexOf('\n', cur.pos - 1) + 1;
  if (!/^[ \t]*$/.test(cur.src.slice(lineStart, cur.pos))) return text;
  if (cur.src.indexOf('\n', cur.pos) < 0) return text;
  return text.replace(/[ \t]*$/, '');
}

/** Line gobbling, part 2: drops the rest of the line after a directive that stands alone. */
function gobbleAfter(cur: Cursor): void {
  const lineStart = cur.src.lastIndexOf('\n', cur.pos - 1) + 1;
  const m = /^[ \t]*\n/.exec(cur.src.slice(cur.pos, cur.pos + 200));
  if (m && /^[ \t]*#/.test(cur.src.slice(lineStart))) cur.pos += m[0].length;
}
