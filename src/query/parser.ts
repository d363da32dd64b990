/**
 * Recursive-descent parser for ISC filters. Grammar (precedence not > and > or):
 *
 *   filter  := or END
 *   or      := and ('or' and)*
 *   and     := unary ('and' unary)*
 *   unary   := 'not' unary | primary
 *   primary := '(' or ')' | 'pr' field | field 'isnull'
 *            | field binop value | field ('in' | 'ca') '(' value (',' value)* ')'
 *
 * Keywords and operators are lower-case only; an upper-case one is reported
 * as such. A bare word in value position is an unquoted literal unless it is
 * a reserved word (operators, and/or/not), which must be quoted.
 */
import { AndNode, ComparisonNode, IsNullNode, ListNode, NotNode, OrNode, PresentNode } from './ast.js';
import type { FieldRef, FilterNode, LiteralNode } from './ast.js';
import { syntaxError } from './errors.js';
import { tokenize } from './lexer.js';
import type { Token } from './lexer.js';
import { literalFromToken } from './literal.js';
import { isBinaryOperator, isListOperator, isOperator, RESERVED_WORDS } from './operators.js';
import type { ListOperator } from './operators.js';

/** Deepest nesting of parentheses and `not` accepted (guards the call stack). */
export const MAX_FILTER_DEPTH = 32;

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

interface Stream {
  peek(): Token;
  next(): Token;
}

/**
 * Parses the text of a `filters` query parameter into an AST. Field names and
 * operators are not checked against any endpoint here; see `validateFilter`.
 * @example parseFilter('name sw "Emp" and priority eq 10')
 * @throws QueryError (code `syntax`) with the 0-based position of the problem.
 */
export function parseFilter(text: string): FilterNode {
  const tokens = tokenize(text);
  let index = 0;
  const stream: Stream = { peek: () => tokens[index], next: () => tokens[index++] };
  if (stream.peek().kind === 'end') throw syntaxError(0, 'the filter is empty');
  const node = parseOr(stream, 0);
  const rest = stream.peek();
  if (rest.kind !== 'end') throw syntaxError(rest.position, unexpectedAfterExpression(rest, 'end of filter'));
  return node;
}

function parseOr(stream: Stream, depth: number): FilterNode {
  const operands = [parseAnd(stream, depth)];
  while (isWord(stream.peek(), 'or')) {
    stream.next();
    operands.push(parseAnd(stream, depth));
  }
  if (operands.length === 1) return operands[0];
  return OrNode.create({ operands: Object.freeze(operands), position: operands[0].position });
}

function parseAnd(stream: Stream, depth: number): FilterNode {
  const operands = [parseUnary(stream, depth)];
  while (isWord(stream.peek(), 'and')) {
    stream.next();
    operands.push(parseUnary(stream, depth));
  }
  if (operands.length === 1) return operands[0];
  return AndNode.create({ operands: Object.freeze(operands), position: operands[0].position });
}

function parseUnary(stream: Stream, depth: number): FilterNode {
  const token = stream.peek();
  if (!isWord(token, 'not')) return parsePrimary(stream, depth);
  checkDepth(token, depth);
  stream.next();
  return NotNode.create({ operand: parseUnary(stream, depth + 1), position: token.position });
}

function parsePrimary(stream: Stream, depth: number): FilterNode {
  const token = stream.peek();
  if (token.kind === 'lparen') {
    checkDepth(token, depth);
    stream.next();
    const inner = parseOr(stream, depth + 1);
    const close = stream.next();
    if (close.kind !== 'rparen') {
      const expected = `')' to close the '(' at position ${token.position}`;
      throw syntaxError(close.position, unexpectedAfterExpression(close, expected));
    }
    return inner;
  }
  if (isWord(token, 'pr')) {
    stream.next();
    const field = parseField(stream, " after 'pr'");
    return PresentNode.create({ field, operatorPosition: token.position, position: token.position });
  }
  return parseFieldExpression(stream, parseField(stream, ''));
}

/** Parses what follows a field name: an operator and its operand(s). */
function parseFieldExpression(stream: Stream, field: FieldRef): FilterNode {
  const token = stream.peek();
  const op = token.kind === 'word' ? token.text : '';
  const base = { field, operatorPosition: token.position, position: field.position };
  if (isBinaryOperator(op)) {
    stream.next();
    return ComparisonNode.create({ ...base, operator: op, value: parseValue(stream, `'${op}'`) });
  }
  if (isListOperator(op)) {
    stream.next();
    return ListNode.create({ ...base, operator: op, values: parseList(stream, op) });
  }
  if (op === 'isnull') {
    stream.next();
    return IsNullNode.create(base);
  }
  if (op === 'pr') {
    throw syntaxError(token.position, `'pr' is a prefix operator: write 'pr ${field.name}'`);
  }
  const hint = isOperator(op.toLowerCase()) ? ' (operators are lower-case)' : '';
  throw syntaxError(token.position, `expected an operator after '${field.name}', found ${describe(token)}${hint}`);
}

function parseField(stream: Stream, context: string): FieldRef {
  const token = stream.next();
  const expected = `expected a field name${context}`;
  if (token.kind === 'string') {
    throw syntaxError(token.position, `${expected}, found ${describe(token)} (field names are not quoted)`);
  }
  if (token.kind !== 'word') {
    const alternatives = context === '' ? ", '(' or 'not'" : '';
    throw syntaxError(token.position, `${expected}${alternatives}, found ${describe(token)}`);
  }
  if (RESERVED_WORDS.has(token.text.toLowerCase())) {
    const hint = RESERVED_WORDS.has(token.text) ? '' : ' (operators are lower-case)';
    throw syntaxError(token.position, `${expected}, found ${describe(token)}${hint}`);
  }
  if (!FIELD_NAME.test(token.text)) {
    throw syntaxError(token.position, `invalid field name ${describe(token)}`);
  }
  return Object.freeze({ name: token.text, position: token.position });
}

/** Parses one literal; `after` names what precedes it, for the message. */
function parseValue(stream: Stream, after: string): LiteralNode {
  const token = stream.next();
  if (token.kind === 'string') return literalFromToken(token);
  if (token.kind === 'word' && !RESERVED_WORDS.has(token.text)) return literalFromToken(token);
  const hint = token.kind === 'word' ? ` (quote it to use '${token.text}' as a string)` : '';
  throw syntaxError(token.position, `expected a value after ${after}, found ${describe(token)}${hint}`);
}

/** Parses `( value, value, ... )` after `in` or `ca`. */
function parseList(stream: Stream, op: ListOperator): readonly LiteralNode[] {
  const open = stream.next();
  if (open.kind !== 'lparen') {
    throw syntaxError(open.position, `expected '(' after '${op}', found ${describe(open)} (write ${op} ("a", "b"))`);
  }
  const values = [parseValue(stream, `'${op} ('`)];
  for (;;) {
    const token = stream.next();
    if (token.kind === 'rparen') return Object.freeze(values);
    if (token.kind !== 'comma') {
      throw syntaxError(token.position, `expected ',' or ')' in the '${op}' list, found ${describe(token)}`);
    }
    values.push(parseValue(stream, "','"));
  }
}

function checkDepth(token: Token, depth: number): void {
  if (depth >= MAX_FILTER_DEPTH) {
    throw syntaxError(token.position, `the filter is nested too deeply (more than ${MAX_FILTER_DEPTH} levels)`);
  }
}

/** The message when a complete expression is followed by something unexpected. */
function unexpectedAfterExpression(token: Token, end: string): string {
  const word = token.kind === 'word' ? token.text.toLowerCase() : '';
  let hint = '';
  if (word === 'and' || word === 'or') hint = ' (operators are lower-case)';
  else if (token.kind === 'word' || token.kind === 'string') hint = ' (values that contain spaces must be quoted)';
  return `expected 'and', 'or' or ${end}, found ${describe(token)}${hint}`;
}

function isWord(token: Token, word: string): boolean {
  return token.kind === 'word' && token.text === word;
}

/** How a token is named in messages: `'EQ'`, `"a b"`, `')'`, `end of filter`. */
function describe(token: Token): string {
  if (token.kind === 'end') return 'end of filter';
  if (token.kind === 'string') return token.text;
  return `'${token.text}'`;
}
