/**
 * Resource limits that keep hostile definitions from hurting the server. Compile-time limits
 * reject a definition (TransformCompileError); run-time limits fail one evaluation.
 */
export interface Limits {
  /** Maximum nesting of transforms, counted through `reference`s (also bounds the JS stack). */
  maxDepth: number;
  /** Maximum number of transform nodes compiled for one definition (references counted once; a shared budget counts all). */
  maxNodes: number;
  /** Maximum length of any literal string in a definition and of any value produced at run time. */
  maxStringLength: number;
  /** Maximum entries of a `lookup`/`replaceAll` table and items of a `values`/`patterns` list. */
  maxTableEntries: number;
  /** Maximum length of a template source (static value, conditional expression, pattern…). */
  maxTemplateLength: number;
  /** Maximum output of one template rendering. */
  maxOutputLength: number;
  /** Maximum evaluation steps (nodes, template nodes, loop iterations) of one `evaluate` call. */
  maxSteps: number;
  /** Maximum length of a user regular expression. */
  maxRegexLength: number;
  /** Maximum length of a list built at run time (template ranges and list literals). */
  maxListLength: number;
  // The whole-definition budget (budget.ts): totals over one compilation, references included.
  /** Maximum regular expressions compiled from literal patterns. */
  maxRegexes: number;
  /** Maximum total size of those regexes: source characters plus compiled instructions. */
  maxRegexSize: number;
  /** Maximum total characters of templates (text holding `$`, `#` or `\`) parsed. */
  maxTemplateChars: number;
  /** Maximum total entries of tables and items of literal lists. */
  maxTableEntriesTotal: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxDepth: 64,
  maxNodes: 5_000,
  maxStringLength: 100_000,
  maxTableEntries: 10_000,
  maxTemplateLength: 20_000,
  maxOutputLength: 100_000,
  maxSteps: 200_000,
  maxRegexLength: 1_000,
  maxListLength: 10_000,
  maxRegexes: 500,
  maxRegexSize: 5_000,
  maxTemplateChars: 12_000,
  maxTableEntriesTotal: 10_000,
});

/** Merges caller overrides over the defaults, ignoring non-positive or non-numeric values. */
export function resolveLimits(overrides?: Partial<Limits>): Limits {
  const limits: Limits = { ...DEFAULT_LIMITS };
  if (!overrides) return limits;
  for (const key of Object.keys(limits) as (keyof Limits)[]) {
    const value = overrides[key];
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) limits[key] = Math.floor(value);
  }
  return limits;
}
