/**
 * The filter AST: small, immutable nodes with a `kind` discriminant and
 * `create`/`is` factories (after kysely's operation nodes). Every node keeps
 * the 0-based source position of its first character, and comparison nodes
 * also keep their operator's position, so validation errors can point at the
 * exact character.
 */
import type { BinaryOperator, ListOperator } from './operators.js';

/** A (possibly dotted) field name as written, e.g. `owner.id`. */
export interface FieldRef {
  readonly name: string;
  readonly position: number;
}

/**
 * How a literal was written. `word` is an unquoted value that is none of the
 * other types (e.g. the beta example `id eq 8c190e6787aa4ed9a90bd9d5344523fb`);
 * its meaning is settled by the field's type during validation.
 */
export type LiteralType = 'string' | 'word' | 'number' | 'boolean' | 'null' | 'datetime';

export interface LiteralNode {
  readonly kind: 'literal';
  readonly type: LiteralType;
  /** Strings: unescaped text. Date-times: normalized ISO-8601 with an offset. */
  readonly value: string | number | boolean | null;
  /** The source text exactly as written (quotes included for strings). */
  readonly raw: string;
  readonly position: number;
}

/** `field op value` for eq ne gt ge lt le co sw. */
export interface ComparisonNode {
  readonly kind: 'comparison';
  readonly field: FieldRef;
  readonly operator: BinaryOperator;
  readonly operatorPosition: number;
  readonly value: LiteralNode;
  readonly position: number;
}

/** `field in (v1, v2)` and `field ca (v1, v2)`. */
export interface ListNode {
  readonly kind: 'list';
  readonly field: FieldRef;
  readonly operator: ListOperator;
  readonly operatorPosition: number;
  readonly values: readonly LiteralNode[];
  readonly position: number;
}

/** `pr field`: the field is not null. */
export interface PresentNode {
  readonly kind: 'present';
  readonly field: FieldRef;
  readonly operatorPosition: number;
  readonly position: number;
}

/** `field isnull`. */
export interface IsNullNode {
  readonly kind: 'isnull';
  readonly field: FieldRef;
  readonly operatorPosition: number;
  readonly position: number;
}

/** `a and b and c` (two or more operands, flattened). */
export interface AndNode {
  readonly kind: 'and';
  readonly operands: readonly FilterNode[];
  readonly position: number;
}

/** `a or b or c` (two or more operands, flattened). */
export interface OrNode {
  readonly kind: 'or';
  readonly operands: readonly FilterNode[];
  readonly position: number;
}

export interface NotNode {
  readonly kind: 'not';
  readonly operand: FilterNode;
  readonly position: number;
}

export type FilterNode = ComparisonNode | ListNode | PresentNode | IsNullNode | AndNode | OrNode | NotNode;

/** Any node, including the non-filter leaves. */
export type QueryNode = FilterNode | LiteralNode;

type Props<N extends QueryNode> = Omit<N, 'kind'>;

/** Builds the `create`/`is` pair for one node kind; created nodes are frozen. */
function factory<N extends QueryNode>(kind: N['kind']) {
  return Object.freeze({
    is: (node: QueryNode): node is N => node.kind === kind,
    create: (props: Props<N>): N => Object.freeze({ kind, ...props }) as N,
  });
}

export const LiteralNode = factory<LiteralNode>('literal');
export const ComparisonNode = factory<ComparisonNode>('comparison');
export const ListNode = factory<ListNode>('list');
export const PresentNode = factory<PresentNode>('present');
export const IsNullNode = factory<IsNullNode>('isnull');
export const AndNode = factory<AndNode>('and');
export const OrNode = factory<OrNode>('or');
export const NotNode = factory<NotNode>('not');
