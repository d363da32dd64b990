/**
 * Parser for SailPoint `Filter` strings (doc §4.2), as used by accountFilter and
 * accountPropertyFilter: comparisons (`==`, `!=`, `<`, `>`, `<=`, `>=`, `i==`, `i!=`),
 * methods (startsWith, endsWith, contains, in, containsAll — each with IgnoreCase —, isNull,
 * notNull, isEmpty), `&&`, `||`, `!` and parentheses; literals "text", numbers, true, false, null.
 */
import { compileFail } from '../errors.js';

export type Literal = string | number | boolean | null;

export type FilterNode =
  | { readonly k: 'and' | 'or'; readonly items: readonly FilterNode[] }
  | { readonly k: 'not'; readonly item: FilterNode }
  | { readonly k: 'cmp'; readonly prop: string; readonly op: string; readonly value: Literal; readonly ci: boolean }
  | {
      readonly k: 'call';
      readonly prop: string;
      readonly method: string;
      readonly args: readonly Literal[];
      readonly ci: boolean;
    };

const METHODS = new Set(['startsWith', 'endsWith', 'contains', 'in', 'containsAll', 'isNull', 'notNull', 'isEmpty']);
const MAX_NESTING = 32;

/** Parses `source`; errors are compile errors at `path`. */
export function parseFilter(source: string, path: string): FilterNode {
  const p = new FilterParser(source, path);
  const node = p.or(0);
  p.spaces();
  if (p.pos < source.length) p.error('unexpected text');
  return node;
}

class FilterParser {
  pos = 0;

  constructor(
    private readonly src: string,
    private readonly path: string,
  ) {}

  error(message: string): never {
    compileFail(`filter error at character ${this.pos + 1}: ${message}`, this.path);
  }

  spaces(): void {
    while (/\s/.test(this.src.charAt(this.pos))) this.pos++;
  }

  private eat(token: string): boolean {
    this.spaces();
    if (!this.src.startsWith(token, this.pos)) return false;
    this.pos += token.length;
    return true;
  }

  or(depth: number): FilterNode {
    if (depth > MAX_NESTING) this.error('nested too deeply');
    const items = [this.and(depth)];
    while (this.eat('||')) items.push(this.and(depth));
    return items.length === 1 ? items[0] : { k: 'or', items };
  }

  private and(depth: number): FilterNode {
    const items = [this.unary(depth)];
    while (this.eat('&&')) items.push(this.unary(depth));
    return items.length === 1 ? items[0] : { k: 'and', items };
  }

  private unary(depth: number): FilterNode {
    if (depth > MAX_NESTING) this.error('nested too deeply');
    if (this.eat('!')) return { k: 'not', item: this.unary(depth + 1) };
    if (this.eat('(')) {
      const inner = this.or(depth + 1);
      if (!this.eat(')')) this.error('expected ")"');
      return inner;
    }
    return this.term();
  }

  private term(): FilterNode {
    this.spaces();
    const m = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(this.src.slice(this.pos));
    if (!m) this.error('expected a property name');
    let prop = m[0];
    const lastDot = prop.lastIndexOf('.');
    const method = lastDot >= 0 ? prop.slice(lastDot + 1) : '';
    const base = method.replace(/IgnoreCase$/, '');
    if (lastDot >= 0 && METHODS.has(base) && this.src.charAt(this.pos + m[0].length) === '(') {
      this.pos += m[0].length + 1;
      prop = prop.slice(0, lastDot);
      const args = this.args();
      return { k: 'call', prop, method: base, args, ci: method !== base };
    }
    this.pos += m[0].length;
    return this.comparison(prop);
  }

  private comparison(prop: string): FilterNode {
    this.spaces();
    const op = /^(i==|i!=|==|!=|<=|>=|<|>)/.exec(this.src.slice(this.pos));
    if (!op) this.error('expected a comparison operator');
    this.pos += op[0].length;
    const ci = op[0].startsWith('i');
    return { k: 'cmp', prop, op: ci ? op[0].slice(1) : op[0], value: this.literal(), ci };
  }

  private args(): Literal[] {
    const args: Literal[] = [];
    this.spaces();
    if (this.eat(')')) return args;
    const braced = this.eat('{');
    do args.push(this.literal());
    while (this.eat(','));
    if (braced && !this.eat('}')) this.error('expected "}"');
    if (!this.eat(')')) this.error('expected ")"');
    return args;
  }

  private literal(): Literal {
    this.spaces();
    const rest = this.src.slice(this.pos);
    const str = /^"((?:[^"\\]|\\.)*)"/.exec(rest);
    if (str) {
      this.pos += str[0].length;
      return str[1].replace(/\\(.)/g, '$1');
    }
    const num = /^-?\d+(\.\d+)?/.exec(rest);
    if (num) {
      this.pos += num[0].length;
      return Number(num[0]);
    }
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (rest.startsWith(word) && !/[A-Za-z0-9_]/.test(rest.charAt(word.length))) {
        this.pos += word.length;
        return value;
      }
    }
    return this.error('expected a literal ("text", number, true, false or null)');
  }
}

/** Every property name a filter reads. */
export function filterProperties(node: FilterNode): string[] {
  switch (node.k) {
    case 'and':
    case 'or':
      return node.items.flatMap(filterProperties);
    case 'not':
      return filterProperties(node.item);
    default:
      return [node.prop];
  }
}
