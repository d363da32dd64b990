import { STATUS_CODES } from 'node:http';

/**
 * Shares what our OpenAPI document repeats as components, so a person can read it (and SDK
 * generators make one model of each shape):
 * - every schema that carries a `title` (given where it is declared, in `domain/<resource>/schema.ts`)
 *   is emitted once, as `#/components/schemas/<title>`, and each place that used it holds a `$ref`;
 * - the error answers (status 400 and up), each status's as most routes give it, are emitted once
 *   per status, as `#/components/responses/<status>`.
 *
 * Why here, after @fastify/swagger, and by `title`: the route schemas stay exactly the objects
 * that validate requests (Ajv) and serialize answers (fast-json-stringify). A `title` is an
 * annotation both ignore; an `$id` is not: Ajv refuses a schema that holds one `$id` twice
 * ("resolves to more than one schema"), as ErrorResponseDto holds ErrorMessageDto twice. Swagger
 * has already turned each schema into OpenAPI 3.0 (`nullable`, `enum`) when this runs, so a
 * component is what readers saw inline.
 *
 * Invariant: one title, one schema. Two different schemas with the same title (e.g. a shape
 * that differs per API version, with a title that does not say the version) fail the document.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Keywords whose values are data, not schemas: a `title` inside them names nothing. */
const DATA_KEYWORDS = new Set(['enum', 'const', 'default', 'example', 'examples']);

/** Swagger's description of a response whose schema has none. */
const SWAGGER_DEFAULT_DESCRIPTION = 'Default Response';

const isObject = (value: Json): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `components.schemas` names: letters, digits, `.`, `-`, `_` (OpenAPI 3.0 §4.7.7). */
const COMPONENT_NAME = /^[A-Za-z0-9._-]+$/;

/**
 * The document with its titled schemas moved to `components.schemas` (sorted by name) and
 * referenced where they were. Returns a new document; throws on a title used by two different schemas.
 */
export function shareTitledSchemas<T extends object>(document: T): T & { components: object } {
  const doc = document as unknown as JsonObject;
  const shared = new Map<string, { schema: JsonObject; text: string }>();

  const share = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(share);
    if (!isObject(node)) return node;
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(node)) out[key] = DATA_KEYWORDS.has(key) ? value : share(value);
    const name = out.title;
    if (typeof name !== 'string') return out;
    if (!COMPONENT_NAME.test(name)) throw new Error(`schema title "${name}" is not a valid component name`);
    const text = JSON.stringify(out);
    const seen = shared.get(name);
    if (!seen) shared.set(name, { schema: out, text });
    else if (seen.text !== text) {
      throw new Error(
        `two different schemas are titled "${name}": give each its own title (say the version where they differ)\n${seen.text}\n${text}`,
      );
    }
    return { $ref: `#/components/schemas/${name}` };
  };

  const paths = share(doc.paths ?? {});
  const components = isObject(doc.components ?? null) ? (doc.components as JsonObject) : {};
  const existing = isObject(components.schemas ?? null) ? (components.schemas as JsonObject) : {};
  const schemas: JsonObject = { ...existing };
  for (const name of [...shared.keys()].sort()) {
    if (name in existing) throw new Error(`component schema "${name}" is declared twice`);
    schemas[name] = shared.get(name)!.schema;
  }
  return { ...doc, paths, components: { ...components, schemas } } as unknown as T & { components: object };
}

/**
 * The document with the error answers (status 400 and up) moved to `components.responses.<status>`:
 * for each status, the answer most operations give (e.g. ISC's ErrorResponseDto), described by its
 * HTTP reason phrase. An operation that answers a status otherwise (the token endpoint's OAuth
 * errors) keeps its own inline. Run after `shareTitledSchemas`, when answers are small and
 * comparable. Returns a new document.
 */
export function shareErrorResponses<T extends object>(document: T): T & { components?: object } {
  const doc = document as unknown as JsonObject;
  const paths = (doc.paths ?? {}) as Record<string, Record<string, Json>>;
  const operations = Object.values(paths).flatMap((item) => Object.values(item).filter(isObject));
  const counts = new Map<string, Map<string, number>>();
  for (const op of operations) {
    for (const [status, response] of Object.entries(
      isObject(op.responses ?? null) ? (op.responses as JsonObject) : {},
    )) {
      if (!(Number(status) >= 400)) continue;
      const answers = counts.get(status) ?? new Map<string, number>();
      const text = JSON.stringify(response);
      counts.set(status, answers.set(text, (answers.get(text) ?? 0) + 1));
    }
  }
  /** status → the text of its most common answer, when more than one operation gives it */
  const common = new Map<string, string>();
  for (const [status, answers] of [...counts].sort(([a], [b]) => a.localeCompare(b))) {
    const [text, n] = [...answers].sort(([, a], [, b]) => b - a)[0];
    if (n > 1) common.set(status, text);
  }
  if (!common.size) return document;

  const share = (op: JsonObject): JsonObject => {
    if (!isObject(op.responses ?? null)) return op;
    const responses = Object.fromEntries(
      Object.entries(op.responses as JsonObject).map(([status, response]) => [
        status,
        common.get(status) === JSON.stringify(response) ? { $ref: `#/components/responses/${status}` } : response,
      ]),
    );
    return { ...op, responses };
  };
  const newPaths = Object.fromEntries(
    Object.entries(paths).map(([url, item]) => [
      url,
      Object.fromEntries(Object.entries(item).map(([method, op]) => [method, isObject(op) ? share(op) : op])),
    ]),
  );

  const components = isObject(doc.components ?? null) ? (doc.components as JsonObject) : {};
  const responses: JsonObject = {
    ...(isObject(components.responses ?? null) ? (components.responses as JsonObject) : {}),
  };
  for (const [status, text] of common) {
    const response = JSON.parse(text) as JsonObject;
    const reason = STATUS_CODES[Number(status)] ?? status;
    const described =
      response.description && response.description !== SWAGGER_DEFAULT_DESCRIPTION
        ? `${reason}: ${String(response.description)}`
        : reason;
    responses[status] = { ...response, description: described };
  }
  return { ...doc, paths: newPaths, components: { ...components, responses } } as unknown as T & { components: object };
}
