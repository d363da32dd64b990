/**
 * Transform engine ("seaspray"): a pure, bounded evaluator of SailPoint ISC transform
 * definitions (shared/docs/transforms.md). A leaf module: no I/O, no eval, nothing imported
 * from the rest of the app.
 *
 * Usage — compile once, evaluate many times:
 * @example
 * const lower = compileTransform({ type: 'lower', attributes: {} });
 * lower.evaluate({ input: 'Services' });          // { ok: true, value: 'services' }
 *
 * const mapping = compileTransform(
 *   { type: 'reference', attributes: { id: 'Lowercase Department', input: { type: 'accountAttribute',
 *     attributes: { sourceName: 'HR', attributeName: 'department' } } } },
 *   { transforms: (name) => store.get(name) },
 * );
 * mapping.evaluate({ accounts, identity, now });   // { ok: false, error, path } on failure
 *
 * - `compileTransform` throws `TransformCompileError` (`.path` names the bad node, e.g.
 *   `attributes.values[2].attributes.input`; inside a referenced transform the path reads
 *   `site{Transform Name}.inner.path`) for unknown types, malformed attributes, invalid
 *   patterns/regexes/templates, unknown references, reference cycles and limit violations.
 * - `evaluate` never throws for evaluation problems: it returns `{ ok: false, error, path }`.
 * - Results are text, null, or a list for multi-valued account attributes (`valueToText`
 *   renders a list as Java's `[a, b]`).
 */
import type { CompileBudget } from './budget.js';
import { compileDefinition } from './compiler.js';
import { EvalFailure, TransformCompileError } from './errors.js';
import { resolveLimits, type Limits } from './limits.js';
import { createRun, toValue, type StepMeter } from './runtime.js';
import type { DefinitionProblem, EvaluationContext, EvaluationResult, NamedTransform } from './types.js';

export { TransformCompileError } from './errors.js';
export { createBudget, TransformBudgetError, type BudgetUsage, type CompileBudget } from './budget.js';
export { DEFAULT_LIMITS, type Limits } from './limits.js';
export { OPERATION_TYPES } from './ops/registry.js';
export { valueToText, type StepMeter } from './runtime.js';
export type * from './types.js';

export interface CompileOptions {
  /** Resolves `reference` ids (stored transform names) to definitions; undefined = unknown. */
  transforms?: (name: string) => NamedTransform | undefined;
  /** Overrides of DEFAULT_LIMITS. */
  limits?: Partial<Limits>;
  /**
   * The whole-definition budget to spend from (`createBudget`): pass one to several compilations
   * to bound them together (a profile's mappings); default, a fresh one for this definition.
   */
  budget?: CompileBudget;
}

export interface CompiledTransform {
  /**
   * Evaluates against one identity's context; safe to call many times and concurrently. With a
   * `meter`, the evaluation spends from steps it shares with others (an identity's mappings).
   */
  evaluate(ctx?: EvaluationContext, meter?: StepMeter): EvaluationResult;
  /** True when any node (including referenced transforms) sets `requiresPeriodicRefresh`. */
  readonly requiresPeriodicRefresh: boolean;
  /** Names of the stored transforms this definition references, directly or indirectly. */
  readonly references: readonly string[];
}

/** Validates and compiles `definition`; throws TransformCompileError. */
export function compileTransform(definition: unknown, options: CompileOptions = {}): CompiledTransform {
  const limits = resolveLimits(options.limits);
  const { evaluator, facts } = compileDefinition(definition, options.transforms, limits, options.budget);
  return {
    requiresPeriodicRefresh: facts.requiresPeriodicRefresh,
    references: [...facts.references],
    evaluate(ctx: EvaluationContext = {}, meter?: StepMeter): EvaluationResult {
      const run = createRun(ctx, limits, meter);
      try {
        return { ok: true, value: evaluator(toValue(ctx.input), run) };
      } catch (e) {
        if (e instanceof EvalFailure) return { ok: false, error: e.message, path: e.path };
        return { ok: false, error: `evaluation failed: ${e instanceof Error ? e.message : String(e)}`, path: '' };
      } finally {
        if (meter) meter.steps = Math.min(run.steps, meter.max + 1);
      }
    },
  };
}

/**
 * Checks a definition the way `compileTransform` does and lists the problems (empty = valid).
 * Compilation stops at the first problem, so at most one is listed.
 */
export function validateTransformDefinition(definition: unknown, options: CompileOptions = {}): DefinitionProblem[] {
  try {
    compileTransform(definition, options);
    return [];
  } catch (e) {
    if (e instanceof TransformCompileError) return [{ path: e.path, message: e.reason }];
    throw e;
  }
}
