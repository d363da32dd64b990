/**
 * Request bodies as JSON, at a bounded cost. A body may be 5 MiB, and what it costs is not its
 * size but its number of members: 1.3 MB holding one object of 100,000 keys took ~0.1–0.45 s of
 * event loop before its 400 — parsing, validation, JSON Patch's copy and our walk of the mappings
 * each visit every key, and an object that large is the slowest kind V8 has. So the text's
 * structure is counted first, in one pass over it that builds nothing, and a body over a limit is
 * refused before anything parses it.
 *
 * The limits sit above any payload of the API: an object or array may hold 20,000 members (the
 * largest legitimate ones are a lookup or replaceAll table and a transform's list, at most 10,000
 * entries — the transform engine's own limit, whose message a client then still sees — and arrays
 * of at most 1,000 mappings, import items, patch operations or ids); a body 100,000 members in
 * all (one profile at every limit of the transform budget — 5,000 transforms of a few attributes
 * each, 10,000 table entries, 1,000 mappings — has ~67,000; a realistic one a few thousand), except
 * an import, whose work is per item (1,000 items; `jsonMembers` on its route); and 512 levels of
 * nesting (a transform 64 deep — the engine's limit — is at most ~200: object, `attributes`, a
 * `values` list, per level). The shared test vectors need at most 9 keys, 150 items, depth 10.
 */
import { AppError } from '../../errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Members in all that this route's JSON body may hold, instead of JSON_SHAPE_LIMITS.maxTotalMembers (import: its work is per item anyway). */
    jsonMembers?: number;
  }
}

export interface JsonShapeLimits {
  /** Members of one object (keys) or array (items). */
  maxMembers: number;
  /** Members of every object and array of the body together. */
  maxTotalMembers: number;
  /** Objects and arrays open at once. */
  maxDepth: number;
}

export const JSON_SHAPE_LIMITS: Readonly<JsonShapeLimits> = Object.freeze({
  maxMembers: 20_000,
  maxTotalMembers: 100_000,
  maxDepth: 512,
});

/** A quote, a bracket, a brace, a comma or a colon: what the structure is made of (everything else is skipped natively). */
const STRUCTURAL = /["{}[\],:]/g;

/**
 * What is wrong with the structure of JSON `text` for `limits`, or undefined (also for text that
 * is not JSON: JSON.parse says what is wrong with that). One pass over the text that jumps from
 * one structural character to the next and from a string's opening quote to its closing one.
 */
export function jsonShapeProblem(text: string, limits: JsonShapeLimits = JSON_SHAPE_LIMITS): string | undefined {
  // per open object or array: its members so far (an object's keys counted at each `:`, an array's items at each `,` as the one after it)
  const members: number[] = [];
  const arrays: boolean[] = [];
  let total = 0;
  STRUCTURAL.lastIndex = 0;
  for (let m = STRUCTURAL.exec(text); m; m = STRUCTURAL.exec(text)) {
    const at = m.index;
    switch (text.charCodeAt(at)) {
      case 0x22: {
        // "
        const end = closingQuote(text, at + 1);
        if (end < 0) return undefined; // an unterminated string: JSON.parse's to report
        STRUCTURAL.lastIndex = end + 1;
        break;
      }
      case 0x7b: // {
      case 0x5b: // [
        if (members.length >= limits.maxDepth)
          return `it nests objects and arrays more than ${limits.maxDepth} deep (at character ${at + 1})`;
        arrays.push(text.charCodeAt(at) === 0x5b);
        // an array's first item is counted when one follows the bracket (an empty array has none)
        members.push(0);
        if (arrays[arrays.length - 1] && text.charCodeAt(afterSpace(text, at + 1)) !== 0x5d) {
          members[members.length - 1] = 1;
          total++;
        }
        break;
      case 0x7d: // }
      case 0x5d: // ]
        members.pop();
        arrays.pop();
        break;
      case 0x3a: // :
      case 0x2c: {
        // ,
        const top = members.length - 1;
        if (top < 0 || arrays[top] !== (text.charCodeAt(at) === 0x2c)) break; // an object's comma, or text that is not JSON
        if (++members[top] > limits.maxMembers) {
          return `an ${arrays[top] ? 'array holds more than' : 'object has more than'} ${limits.maxMembers} ${arrays[top] ? 'items' : 'keys'} (at character ${at + 1})`;
        }
        if (++total > limits.maxTotalMembers)
          return `its objects and arrays hold more than ${limits.maxTotalMembers} members in all (at character ${at + 1})`;
        break;
      }
    }
  }
  return undefined;
}

/** The index of the first character at or after `from` that is not JSON whitespace. */
function afterSpace(text: string, from: number): number {
  let i = from;
  for (let c = text.charCodeAt(i); c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = text.charCodeAt(++i));
  return i;
}

/** The index of the quote that closes the string whose first character is at `from` (not one escaped by an odd run of backslashes), or -1. */
function closingQuote(text: string, from: number): number {
  for (let q = text.indexOf('"', from); q >= 0; q = text.indexOf('"', q + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(q - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return q;
  }
  return -1;
}

const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Drops `__proto__` keys (prototype poisoning) while parsing, and refuses text the database
 * cannot store (NUL characters, unpaired surrogates) with a 400 naming the key.
 */
function rejectProtoKeys(key: string, value: unknown) {
  if (typeof value === 'string' && UNSTORABLE.test(value)) {
    throw new SyntaxError(
      `the value of '${key || '(root)'}' holds a NUL character or an unpaired surrogate, which cannot be stored`,
    );
  }
  if (typeof key === 'string' && UNSTORABLE.test(key))
    throw new SyntaxError('a key holds a NUL character or an unpaired surrogate');
  return key === '__proto__' ? undefined : value;
}

/**
 * A request body's JSON (undefined for an empty body: the route's schema decides), or a 400 in
 * ISC's format: over a limit of `JSON_SHAPE_LIMITS`, not JSON, or holding what cannot be stored.
 * The reviver that checks keys and strings visits every value (about as long again as parsing),
 * so it runs only when the text could hold what it looks for: a `__proto__` key, or — as raw
 * text, decoded from UTF-8, holds neither NUL nor an unpaired surrogate — a `\u` escape.
 */
export function parseJsonBody(body: string, limits: JsonShapeLimits = JSON_SHAPE_LIMITS): unknown {
  if (body.trim() === '') return undefined;
  const problem = jsonShapeProblem(body, limits);
  if (problem) throw new AppError('invalid_json', `The request body is refused: ${problem}.`);
  const suspicious = body.includes('\\u') || body.includes('__proto__');
  try {
    return suspicious ? JSON.parse(body, rejectProtoKeys) : JSON.parse(body);
  } catch (e) {
    throw new AppError('invalid_json', `The request body is not valid JSON: ${(e as Error).message}`);
  }
}
