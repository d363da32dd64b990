/**
 * The compile budget: what one compilation may hold in total — the definition with every
 * transform it references, or several definitions compiled together (a profile's mappings, a
 * preview) when they share one budget. Per-item limits (a regex's length, a table's entries)
 * cannot bound a definition made of thousands of items each under its limit; this does, so
 * compiling any definition stays within a few tens of milliseconds and a bounded amount of memory.
 */
import { TransformCompileError } from './errors.js';
import { resolveLimits, type Limits } from './limits.js';

export interface BudgetUsage {
  /** Transform nodes compiled (a referenced transform counts once per compilation). */
  nodes: number;
  /** Regular expressions compiled from literal patterns. */
  regexes: number;
  /** Their size: source characters plus compiled program (RE2 instructions), what compiling them costs. */
  regexSize: number;
  /** Characters of templates parsed (text with `$`, `#` or `\`). */
  templateChars: number;
  /** Entries of lookup/replaceAll tables and items of literal lists. */
  tableEntries: number;
}

type Spendable = keyof BudgetUsage;

const LIMIT_OF: Record<Spendable, keyof Limits> = {
  nodes: 'maxNodes',
  regexes: 'maxRegexes',
  regexSize: 'maxRegexSize',
  templateChars: 'maxTemplateChars',
  tableEntries: 'maxTableEntriesTotal',
};

const WHAT: Record<Spendable, string> = {
  nodes: 'transforms',
  regexes: 'regular expressions',
  regexSize: 'characters and instructions of regular expressions',
  templateChars: 'characters of templates',
  tableEntries: 'table entries and list items',
};

/** A compile budget over the whole definition exceeded: the definition is too big as a whole. */
export class TransformBudgetError extends TransformCompileError {
  override name = 'TransformBudgetError';
}

export interface CompileBudget {
  readonly limits: Limits;
  /** What the budget covers, opening its messages: `definition too big`, `mappings too big together`. */
  readonly scope: string;
  readonly used: Readonly<BudgetUsage>;
  /** The first overrun, once there was one (every later spend throws too). */
  readonly exceeded: TransformBudgetError | undefined;
  /** Spends `amount` of `what`; throws TransformBudgetError at `path` when that passes the limit. */
  spend(what: Spendable, amount: number, path: string): void;
}

const DEFINITION_SCOPE = 'definition too big, references included';

/**
 * A budget for one compilation, or for several that share it (pass it to each `compileTransform`).
 * `scope` opens its messages; `limits` override DEFAULT_LIMITS.
 */
export function createBudget(options: { scope?: string; limits?: Partial<Limits> } = {}): CompileBudget {
  const limits = resolveLimits(options.limits);
  const scope = options.scope ?? DEFINITION_SCOPE;
  const used: BudgetUsage = { nodes: 0, regexes: 0, regexSize: 0, templateChars: 0, tableEntries: 0 };
  let exceeded: TransformBudgetError | undefined;
  return {
    limits,
    scope,
    used,
    get exceeded() {
      return exceeded;
    },
    spend(what, amount, path) {
      used[what] += amount;
      const limit = limits[LIMIT_OF[what]];
      if (used[what] > limit) {
        // one definition's node count keeps the message it had before there was a budget
        const message =
          what === 'nodes' && scope === DEFINITION_SCOPE
            ? `definition has more than ${limit} transforms`
            : `${scope}: more than ${limit} ${WHAT[what]} in all (limit ${limit})`;
        exceeded ??= new TransformBudgetError(message, path);
        throw new TransformBudgetError(message, path);
      }
    },
  };
}
