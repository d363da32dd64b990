import { validateTransformDefinition, type CompileBudget, type NamedTransform } from '../../expr/index.js';

export interface CheckOptions {
  /** Resolves `reference` targets by name (stored transforms); absent = no stored transforms. */
  transforms?: (name: string) => NamedTransform | undefined;
  /** A compile budget shared with other definitions checked together (a profile's mappings). */
  budget?: CompileBudget;
}

/**
 * Compiles a transform definition with the transform engine, as profiles and named transforms
 * are saved: returns the problem with the path of the bad node (empty when it compiles).
 */
export function checkTransformDefinition(
  definition: unknown,
  options: CheckOptions = {},
): Array<{ path: string; message: string }> {
  return validateTransformDefinition(definition, { transforms: options.transforms, budget: options.budget });
}
