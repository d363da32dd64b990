/** Helpers for the engine's unit tests. */
import { compileTransform, type CompileOptions } from './index.js';
import { valueToText } from './runtime.js';
import type { EvaluationContext } from './types.js';

/** Evaluates `definition` and returns its text, or `ERROR: message` / `COMPILE: message`. */
export function run(definition: unknown, ctx: EvaluationContext = {}, options: CompileOptions = {}): string | null {
  let compiled;
  try {
    compiled = compileTransform(definition, options);
  } catch (e) {
    return `COMPILE: ${(e as Error).message}`;
  }
  const result = compiled.evaluate(ctx);
  return result.ok ? valueToText(result.value) : `ERROR: ${result.error}`;
}

/** Shorthand for `{ type, attributes }`. */
export function t(
  type: string,
  attributes: Record<string, unknown> = {},
): { type: string; attributes: Record<string, unknown> } {
  return { type, attributes };
}
