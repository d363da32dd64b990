import { Type, type Static } from 'typebox';
import { Nullable } from '../shared/schema.js';

/** ISC's Transform (`/v3/transforms`): a named, reusable transform definition. */
export const Transform = Type.Object(
  {
    id: Type.String({ description: 'Transform id' }),
    name: Type.String({ description: 'Unique name; what `reference` transforms use as `id`' }),
    type: Type.String({ description: 'Transform operation, e.g. `lower`' }),
    attributes: Nullable(
      Type.Record(Type.String(), Type.Unknown(), { description: 'Operation-specific configuration' }),
    ),
    internal: Type.Boolean({ description: 'Shipped with the server; read-only' }),
  },
  { title: 'Transform', description: 'A named transform' },
);
export type Transform = Static<typeof Transform>;

export const TransformInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 50, pattern: '\\S' }),
    type: Type.String({ minLength: 1, maxLength: 100 }),
    attributes: Type.Optional(Nullable(Type.Record(Type.String(), Type.Unknown()))),
  },
  { title: 'TransformInput' },
);
export type TransformInput = Static<typeof TransformInput>;

export const TRANSFORM_FILTERS = {
  id: { type: 'string', ops: ['eq', 'in'] },
  name: { type: 'string', ops: ['eq', 'sw'] },
  internal: { type: 'boolean', ops: ['eq'] },
} as const;
export const TRANSFORM_SORTERS = ['id', 'name', 'type'] as const;
