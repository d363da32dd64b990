import { Type, type Static, type TSchema } from 'typebox';

/**
 * Building blocks shared by every resource's API schema. A `title` names a schema's component in
 * our OpenAPI document (`http/plugins/openapi-components.ts`): one title, one schema.
 */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const DateTime = Type.String({ format: 'date-time', description: 'ISO 8601, UTC' });

/** `{type, id, name}` reference to another object, e.g. `{type: "SOURCE", id, name}`. */
export const Reference = <K extends string>(kind: K, description: string) =>
  Type.Object(
    {
      type: Type.Literal(kind, { description: `Always ${kind}` }),
      id: Type.String({ description: 'ID of the referenced object' }),
      name: Type.String({ description: 'Name of the referenced object' }),
    },
    { description },
  );

/** A reference as clients send it: only `id` is needed; `type` must fit when present. */
export const ReferenceInput = <K extends string>(kind: K, description: string) =>
  Type.Object(
    {
      type: Type.Optional(Type.Literal(kind)),
      id: Type.String({ minLength: 1, maxLength: 128 }),
      name: Type.Optional(Nullable(Type.String())),
    },
    { description },
  );

export const ErrorMessage = Type.Object(
  {
    locale: Nullable(Type.String()),
    localeOrigin: Nullable(Type.Union([Type.Literal('DEFAULT'), Type.Literal('REQUEST')])),
    text: Type.String(),
  },
  { title: 'ErrorMessageDto' },
);

export const ErrorResponse = Type.Object(
  {
    detailCode: Type.String({ description: 'e.g. `400.1 Bad Request Content`' }),
    trackingId: Type.String({ description: 'The request id, also in the server log' }),
    messages: Type.Array(ErrorMessage),
    causes: Type.Array(ErrorMessage),
  },
  { title: 'ErrorResponseDto', description: 'ISC error body (ErrorResponseDto)' },
);
export type ErrorResponse = Static<typeof ErrorResponse>;

export const UnauthorizedResponse = Type.Object({ error: Type.String() }, { title: 'UnauthorizedResponse' });
export const RateLimitResponse = Type.Object({ message: Type.String() }, { title: 'RateLimitResponse' });

export const JsonPatchOperation = Type.Object(
  {
    op: Type.Union([
      Type.Literal('add'),
      Type.Literal('remove'),
      Type.Literal('replace'),
      Type.Literal('move'),
      Type.Literal('copy'),
      Type.Literal('test'),
    ]),
    path: Type.String({ description: 'JSON Pointer (RFC 6901)' }),
    from: Type.Optional(Type.String({ description: 'Source pointer for move and copy' })),
    value: Type.Optional(Type.Unknown()),
  },
  { title: 'JsonPatchOperation', description: 'One RFC 6902 operation' },
);
export const JsonPatch = Type.Array(JsonPatchOperation, { title: 'JsonPatch', minItems: 0, maxItems: 1000 });
export type JsonPatch = Static<typeof JsonPatch>;

export const newId = (): string => crypto.randomUUID().replace(/-/g, '');
