/**
 * The filter operators of ISC's "standard collection parameters", as one typed
 * dictionary. `form` says how an operator is written:
 * - `binary`:  `field op value`          (eq ne gt ge lt le co sw)
 * - `list`:    `field op ("a", "b")`     (in ca)
 * - `prefix`:  `op field`                (pr)
 * - `postfix`: `field op`                (isnull)
 * Operators are lower-case only; `EQ` is a syntax error.
 */
export const OPERATORS = Object.freeze({
  eq: { form: 'binary' },
  ne: { form: 'binary' },
  gt: { form: 'binary' },
  ge: { form: 'binary' },
  lt: { form: 'binary' },
  le: { form: 'binary' },
  co: { form: 'binary' },
  sw: { form: 'binary' },
  in: { form: 'list' },
  ca: { form: 'list' },
  pr: { form: 'prefix' },
  isnull: { form: 'postfix' },
} as const);

export type Operator = keyof typeof OPERATORS;
export type BinaryOperator = { [K in Operator]: (typeof OPERATORS)[K]['form'] extends 'binary' ? K : never }[Operator];
export type ListOperator = 'in' | 'ca';

/** The composite (logical) keywords. */
export const LOGICAL_KEYWORDS = Object.freeze(['and', 'or', 'not'] as const);

/** Words with a fixed meaning that cannot be field names or unquoted strings. */
export const RESERVED_WORDS: ReadonlySet<string> = new Set<string>([...Object.keys(OPERATORS), ...LOGICAL_KEYWORDS]);

export const isOperator = (word: string): word is Operator => Object.hasOwn(OPERATORS, word);

export const isBinaryOperator = (word: string): word is BinaryOperator =>
  isOperator(word) && OPERATORS[word].form === 'binary';

export const isListOperator = (word: string): word is ListOperator =>
  isOperator(word) && OPERATORS[word].form === 'list';
