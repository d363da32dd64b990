/** Walking a transform definition's tree: shared by the mapping checks, processing's purity rule and transfer (import/export). */

export interface TransformNode {
  type: string;
  attributes: Record<string, any>;
  path: string;
}

/**
 * Every nested `{type, attributes}` object in a definition, with its path. Only objects and arrays
 * are walked into: a path is built (and a generator made) per nested object, never per scalar —
 * a definition's `attributes` may hold thousands of plain values (a lookup table).
 */
export function* walkTransforms(value: unknown, path: string): Generator<TransformNode> {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (isNested(value[i])) yield* walkTransforms(value[i], `${path}[${i}]`);
    return;
  }
  if (!isNested(value)) return;
  const obj = value as Record<string, unknown>;
  if (typeof obj.type === 'string') {
    const attributes = (isNested(obj.attributes) ? obj.attributes : {}) as Record<string, any>;
    yield { type: obj.type, attributes, path };
    for (const k of Object.keys(attributes))
      if (isNested(attributes[k])) yield* walkTransforms(attributes[k], `${path}.attributes.${k}`);
    return;
  }
  for (const k of Object.keys(obj)) if (isNested(obj[k])) yield* walkTransforms(obj[k], `${path}.${k}`);
}

const isNested = (v: unknown): v is object => typeof v === 'object' && v !== null;
