/**
 * Structural check of a transform definition, used when profiles and named transforms are saved.
 * Returns every problem with the path of the bad node (empty when the definition is usable).
 */
export function checkTransformDefinition(definition: unknown): Array<{ path: string; message: string }> {
  if (!definition || typeof definition !== 'object' || Array.isArray(definition)) return [{ path: '', message: 'must be an object {type, attributes}' }];
  const d = definition as Record<string, unknown>;
  if (typeof d.type !== 'string' || d.type === '') return [{ path: 'type', message: 'must be a non-empty string' }];
  return [];
}
