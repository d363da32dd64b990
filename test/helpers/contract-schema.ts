/**
 * OpenAPI 3.0 schema dialect → JSON Schema (draft-07, as Ajv 8 reads it by default),
 * plus the Ajv instance the contract harness validates with.
 *
 * Invariants:
 * - Translation is a pure copy; the parsed OpenAPI document is never mutated.
 * - `$ref` siblings are dropped: OpenAPI 3.0 ignores them (SailPoint's bundles put a
 *   `description` beside some `$ref`s), while Ajv 8 would apply them.
 * - Unknown keywords throw, so a new construct in a future bundle fails loudly instead of
 *   being silently ignored (which would make validation weaker than it looks).
 * - Validation never mutates the body: no `useDefaults`, `coerceTypes` or `removeAdditional`.
 */
import _Ajv from 'ajv';
import type { ErrorObject } from 'ajv';
import _addFormats from 'ajv-formats';

// ajv and ajv-formats are CommonJS; under NodeNext the default import is the module object,
// whose `.default` is the class/plugin (both packages set `exports.default` at runtime too).
const Ajv = _Ajv.default;
const addFormats = _addFormats.default;
export type AjvInstance = InstanceType<typeof Ajv>;

type Json = unknown;
type SchemaObject = Record<string, Json>;

/** Keywords copied unchanged (value keywords and annotations Ajv understands). */
const PLAIN_KEYWORDS = new Set([
  'type',
  'enum',
  'format',
  'required',
  'multipleOf',
  'maximum',
  'minimum',
  'maxLength',
  'minLength',
  'pattern',
  'maxItems',
  'minItems',
  'uniqueItems',
  'maxProperties',
  'minProperties',
  'title',
  'description',
  'default',
  'readOnly',
  'writeOnly',
  'deprecated',
]);
/** Documentation-only OpenAPI keywords with no JSON Schema meaning (`x-*` is handled separately). */
const DROPPED_KEYWORDS = new Set(['example', 'xml', 'externalDocs', 'discriminator']);

/** Translated schema object → JSON pointer of its source in the document, for error messages. */
const origins = new WeakMap<object, string>();

const isObject = (v: Json): v is SchemaObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Rewrites a document-local `$ref` (e.g. `#/components/schemas/X`) to where Ajv will find the translation. */
export type RefMapper = (ref: string, at: string) => string;

/**
 * Translate one OpenAPI 3.0 schema object (`at` is its JSON pointer, for error messages).
 * @example toJsonSchema({ type: 'string', nullable: true, example: 'x' }, map) // → { type: ['string', 'null'] }
 */
export interface TranslateOptions {
  /**
   * Read `oneOf` as `anyOf`. transforms.v1's `transform.attributes` is a `oneOf` of ~30 object
   * schemas without a discriminator, most with nothing required, so any attributes object matches
   * several and by the letter no transform is valid; the intent ("one of these kinds") is anyOf.
   */
  oneOfAsAnyOf?: boolean;
}

export function toJsonSchema(schema: Json, mapRef: RefMapper, at = '#', options: TranslateOptions = {}): Json {
  if (typeof schema === 'boolean') return schema;
  if (!isObject(schema)) throw new Error(`contract: schema at ${at} is not an object`);
  if (typeof schema.$ref === 'string') {
    const ref = { $ref: mapRef(schema.$ref, at) };
    origins.set(ref, at);
    return ref;
  }
  const out: SchemaObject = {};
  for (const [key, value] of Object.entries(schema)) {
    const here = `${at}/${key}`;
    if (PLAIN_KEYWORDS.has(key)) out[key] = value;
    else if (DROPPED_KEYWORDS.has(key) || key.startsWith('x-') || key === 'nullable') continue;
    else if (key === 'items' || key === 'not') out[key] = toJsonSchema(value, mapRef, here, options);
    else if (key === 'additionalProperties') {
      out[key] = typeof value === 'boolean' ? value : toJsonSchema(value, mapRef, here, options);
    } else if (key === 'properties') {
      if (!isObject(value)) throw new Error(`contract: properties at ${here} is not an object`);
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, sub]) => [name, toJsonSchema(sub, mapRef, `${here}/${name}`, options)]),
      );
    } else if (key === 'allOf' || key === 'anyOf' || key === 'oneOf') {
      if (!Array.isArray(value)) throw new Error(`contract: ${key} at ${here} is not an array`);
      out[key === 'oneOf' && options.oneOfAsAnyOf ? 'anyOf' : key] = value.map((sub, i) =>
        toJsonSchema(sub, mapRef, `${here}/${i}`, options),
      );
    } else if (key === 'exclusiveMinimum' || key === 'exclusiveMaximum') {
      // OpenAPI 3.0 (draft-04 style): a boolean that turns minimum/maximum exclusive.
      const bound = key === 'exclusiveMinimum' ? 'minimum' : 'maximum';
      if (value === true && typeof schema[bound] === 'number') out[key] = schema[bound];
    } else throw new Error(`contract: unsupported OpenAPI schema keyword "${key}" at ${here}`);
  }
  if (out.exclusiveMinimum !== undefined) delete out.minimum;
  if (out.exclusiveMaximum !== undefined) delete out.maximum;
  const result = schema.nullable === true || nullableMember(schema) ? allowNull(out) : out;
  origins.set(result, at);
  return result;
}

/**
 * `allOf: [{$ref: X}, {nullable: true, description}]`: the per-service documents' way of saying
 * "an X or null" (sources.v1 `managerCorrelationMapping`, accounts.v1 `recommendation`,
 * `ownerIdentity`). By the letter of OpenAPI 3.0 a sibling's `nullable` does not reach the `$ref`,
 * and nothing could ever be null there; the documents' intent is taken, as for enums below.
 */
function nullableMember(schema: SchemaObject): boolean {
  return (
    Array.isArray(schema.allOf) && schema.allOf.some((m) => isObject(m) && m.nullable === true && m.$ref === undefined)
  );
}

/**
 * `nullable: true` → also accept null. With a `type`, null joins the type list; with an `enum`, null
 * joins the enum too. (OpenAPI 3.0.3 says an enum must list null itself; SailPoint's v2025+
 * `LifecycleState.identityState` is a nullable enum without null and is documented as "generally
 * null", so the documents' intent is taken over the letter.) Without a `type`, the schema is wrapped.
 */
function allowNull(schema: SchemaObject): SchemaObject {
  if (schema.type === undefined) return { anyOf: [schema, { type: 'null' }] };
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  const out: SchemaObject = { ...schema, type: types.includes('null') ? types : [...types, 'null'] };
  if (Array.isArray(schema.enum) && !schema.enum.includes(null)) out.enum = [...schema.enum, null];
  return out;
}

/** RFC 4122 UUIDs (as ajv-formats) or SailPoint's own 32-hex ids, which the documents declare `format: uuid`. */
export const UUID_OR_HEX32 = /^(?:(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}|[0-9a-f]{32})$/i;

/** One Ajv per contract document: all errors, strict about keywords and formats, union types allowed (nullable). */
export function createContractAjv(): AjvInstance {
  const ajv = new Ajv({
    allErrors: true,
    verbose: true, // errors carry parentSchema, which `origins` maps back to the document
    inlineRefs: false,
    strictSchema: true,
    strictNumbers: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    allowUnionTypes: true,
    validateFormats: true,
  });
  addFormats(ajv); // full mode: date-time needs a time zone, int32/int64 range-checked
  ajv.addFormat('uuid', UUID_OR_HEX32);
  return ajv;
}

/** RFC 6901 pointer (`/a/0/b~1c`) → JSON path (`$.a[0]['b/c']`). */
export function toJsonPath(pointer: string): string {
  if (!pointer) return '$';
  return (
    '$' +
    pointer
      .slice(1)
      .split('/')
      .map((raw) => {
        const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
        if (/^\d+$/.test(seg)) return `[${seg}]`;
        return /^[A-Za-z_$][\w$]*$/.test(seg) ? `.${seg}` : `[${JSON.stringify(seg)}]`;
      })
      .join('')
  );
}

function valueAt(data: Json, pointer: string): Json {
  let cur = data;
  for (const raw of pointer ? pointer.slice(1).split('/') : []) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, Json>)[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
}

function preview(value: Json): string {
  const text = value === undefined ? 'undefined' : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * Ajv errors → one line each, with the JSON path, the value found and where the rule is in the document:
 * `$.priority: must be integer (got "high") [#/components/schemas/IdentityProfile/allOf/1/properties/priority type]`.
 */
export function formatAjvErrors(errors: ErrorObject[] | null | undefined, data: Json): string[] {
  return (errors ?? []).map((e) => {
    let detail = '';
    if (e.keyword === 'enum') detail = ` ${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)}`;
    if (e.keyword !== 'required' && e.keyword !== 'additionalProperties') {
      detail += ` (got ${preview(valueAt(data, e.instancePath))})`;
    }
    const origin = e.parentSchema ? origins.get(e.parentSchema) : undefined;
    return `${toJsonPath(e.instancePath)}: ${e.message ?? e.keyword}${detail} [${origin ?? e.schemaPath} ${e.keyword}]`;
  });
}
