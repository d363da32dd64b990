import type { StoredTransform } from './repository.js';

export interface CheckOptions {
  /** Resolves `reference` targets by name (stored transforms); absent = references are not followed. */
  transforms?: (name: string) => StoredTransform | undefined;
}

/**
 * Structural check of a transform definition, used when profiles and named transforms are saved.
 * Returns every problem with the path of the bad node (empty when the definition is usable).
 */
export function checkTransformDefinition(definition: unknown, _options: CheckOptions = {}): Array<{ path: string; message: string }> {
  if (!definition || typeof definition !== 'object' || Array.isArray(definition)) return [{ path: '', message: 'must be an object {type, attributes}' }];
  const d = definition as Record<string, unknown>;
  if (typeof d.type !== 'string' || d.type === '') return [{ path: 'type', message: 'must be a non-empty string' }];
  return [];
}
