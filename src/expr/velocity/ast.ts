/**
 * AST of the Velocity (VTL) subset transforms use (doc §5): text, references with property,
 * method and index chains, #if/#elseif/#else, #set, #foreach, #break; expressions with
 * comparison, logical and arithmetic operators, literals, lists, ranges and maps.
 */

/** One link of a reference chain: `.prop`, `.method(args)` or `[index]`. */
export type RefPart =
  | { readonly k: 'prop'; readonly name: string }
  | { readonly k: 'call'; readonly name: string; readonly args: readonly Expr[] }
  | { readonly k: 'index'; readonly index: Expr };

/** `$name.part.part…`; `quiet` for `$!name`; `source` is the reference as written. */
export interface Reference {
  readonly name: string;
  readonly parts: readonly RefPart[];
  readonly quiet: boolean;
  readonly source: string;
}

export type BinaryOp = '||' | '&&' | '==' | '!=' | '<' | '>' | '<=' | '>=' | '+' | '-' | '*' | '/' | '%';

export type Expr =
  | { readonly k: 'lit'; readonly value: string | number | boolean | null }
  | { readonly k: 'ref'; readonly ref: Reference }
  | { readonly k: 'interp'; readonly body: readonly TNode[] }
  | { readonly k: 'list'; readonly items: readonly Expr[] }
  | { readonly k: 'range'; readonly from: Expr; readonly to: Expr }
  | { readonly k: 'map'; readonly entries: readonly (readonly [Expr, Expr])[] }
  | { readonly k: 'not'; readonly arg: Expr }
  | { readonly k: 'neg'; readonly arg: Expr }
  | { readonly k: 'bin'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr };

export type TNode =
  | { readonly k: 'text'; readonly text: string }
  | { readonly k: 'ref'; readonly ref: Reference }
  | {
      readonly k: 'if';
      readonly branches: readonly { cond: Expr; body: readonly TNode[] }[];
      readonly otherwise?: readonly TNode[];
    }
  | { readonly k: 'set'; readonly name: string; readonly value: Expr }
  | { readonly k: 'foreach'; readonly name: string; readonly iterable: Expr; readonly body: readonly TNode[] }
  | { readonly k: 'break' };

/** A parsed template. `constant` is set when the template is plain text. */
export interface Template {
  readonly source: string;
  readonly nodes: readonly TNode[];
  readonly constant: string | undefined;
}
