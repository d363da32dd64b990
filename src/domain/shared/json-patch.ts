import jsonPatch from 'fast-json-patch';
import { AppError } from '../../errors.js';
import type { JsonPatch } from './schema.js';

/** The top-level field a JSON Pointer starts with ('' for the whole document). */
export function firstSegment(pointer: string): string {
  if (pointer[0] !== '/') return '';
  const end = pointer.indexOf('/', 1);
  const segment = pointer.slice(1, end === -1 ? undefined : end);
  return segment.includes('~') ? segment.replace(/~1/g, '/').replace(/~0/g, '~') : segment;
}

/** Top-level fields an operation writes: `test` only reads; `move` also removes its `from`. */
export function writtenFields(op: JsonPatch[number]): string[] {
  if (op.op === 'test') return [];
  return [firstSegment(op.path), ...(op.op === 'move' && op.from !== undefined ? [firstSegment(op.from)] : [])];
}

/** Refuses an operation that lacks what RFC 6902 requires of it (`value`, `from`): the schema cannot say which op needs which. */
export function assertOperationComplete(op: JsonPatch[number], i: number): void {
  if ((op.op === 'add' || op.op === 'replace' || op.op === 'test') && !('value' in op)) {
    throw new AppError('invalid_patch', `Operation ${i} (${op.op} ${op.path}) needs a 'value'.`);
  }
  if ((op.op === 'move' || op.op === 'copy') && op.from === undefined) {
    throw new AppError('invalid_patch', `Operation ${i} (${op.op} ${op.path}) needs a 'from'.`);
  }
}

/**
 * Applies RFC 6902 operations to an API representation one by one, so a failure names the
 * operation that failed; a field the object does not have (`known`) is refused, never silently
 * dropped. `document` is not changed: the top-level fields an operation may change (its `path`'s
 * and `from`'s) are copied before it runs; the others are shared with `document`.
 */
export function applyJsonPatchTo<T extends object>(
  document: T,
  ops: JsonPatch,
  known: ReadonlySet<string>,
  noun: string,
): T {
  let doc = { ...document } as Record<string, unknown>;
  const copied = new Set<string>();
  for (const [i, op] of ops.entries()) {
    for (const field of [firstSegment(op.path), ...(op.from === undefined ? [] : [firstSegment(op.from)])]) {
      if (copied.has(field)) continue;
      copied.add(field);
      const value = Object.hasOwn(doc, field) ? doc[field] : undefined;
      if (typeof value === 'object' && value !== null) doc[field] = structuredClone(value);
    }
    try {
      doc = jsonPatch.applyOperation(doc, op as jsonPatch.Operation, true, true, true, i).newDocument;
    } catch (e) {
      const reason = String((e as Error).message).split('\n')[0];
      throw new AppError('invalid_patch', `Operation ${i} (${op.op} ${op.path}) cannot be applied: ${reason}`);
    }
    const unknown = Object.keys(doc).find((k) => !known.has(k));
    if (unknown)
      throw new AppError('invalid_patch', `Operation ${i} (${op.op} ${op.path}): ${noun} has no field '${unknown}'.`);
  }
  return doc as T;
}
