import jsonPatch from 'fast-json-patch';
import { AppError, ERRORS } from '../../errors.js';
import type { DomainContext } from '../context.js';
import type { JsonPatch } from '../shared/schema.js';
import { SOURCE_IMMUTABLE_FIELDS, SOURCE_PATCHABLE_FIELDS, type Source } from './schema.js';

/**
 * `PATCH /v3/sources/{id}` (ISC's updateSource, RFC 6902): this server changes only what its
 * sources use that ISC lets a PATCH change — today `deleteThreshold`. ISC's immutable fields are
 * refused as ISC refuses them; other fields ISC would accept are refused with a message that says
 * so (this server does not keep them), rather than silently dropped.
 */
export async function patchSource(ctx: DomainContext, id: string, ops: JsonPatch, actor: string): Promise<Source> {
  return ctx.withTransaction(async (repos) => {
    const source = await repos.sources.findById(id);
    if (!source) throw ERRORS.notFound('source_not_found', id);
    const patched = applyPatch(source, ops);
    for (const field of Object.keys({ ...source, ...patched }) as Array<keyof Source>) {
      if (jsonPatch.compare({ v: source[field] }, { v: patched[field] }).length === 0) continue;
      if ((SOURCE_IMMUTABLE_FIELDS as readonly string[]).includes(field))
        throw new AppError('field_not_updatable', `'${field}' cannot be modified.`, [
          `Not updatable: ${SOURCE_IMMUTABLE_FIELDS.join(', ')}`,
        ]);
      if (!(SOURCE_PATCHABLE_FIELDS as readonly string[]).includes(field)) {
        throw new AppError(
          'field_not_updatable',
          `'${field}' cannot be changed by PATCH on this server; the fields it changes are: ${SOURCE_PATCHABLE_FIELDS.join(', ')}.`,
        );
      }
    }
    const threshold = patched.deleteThreshold;
    if (!Number.isInteger(threshold) || threshold < 0 || threshold > 100) {
      throw new AppError(
        'source_invalid',
        `'deleteThreshold' must be a whole number from 0 to 100 (a percentage); got ${JSON.stringify(threshold)}.`,
      );
    }
    if (threshold === source.deleteThreshold) return source;
    const modified = ctx.now();
    await repos.sources.setDeleteThreshold(id, threshold, modified);
    await repos.audit.record({ entityType: 'SOURCE', entityId: id, action: 'update', actor, detail: ops });
    return { ...source, deleteThreshold: threshold, modified: modified.toISOString() };
  });
}

function applyPatch(source: Source, ops: JsonPatch): Source {
  let doc: Record<string, unknown> = structuredClone(source);
  for (const [i, op] of ops.entries()) {
    try {
      doc = jsonPatch.applyOperation(doc, op as jsonPatch.Operation, true, true, true, i).newDocument;
    } catch (e) {
      throw new AppError(
        'invalid_patch',
        `Operation ${i} (${op.op} ${op.path}) cannot be applied: ${String((e as Error).message).split('\n')[0]}`,
      );
    }
  }
  return doc as Source;
}
