import { AppError } from '../../errors.js';

/**
 * The references to named transforms that migration 0010's triggers keep for every profile and
 * transform (by `lower(name)`), and what their foreign keys' violations mean to a client.
 */

/** Profiles whose mappings reference transform `$2` (any case), tenant `$1`. */
export const PROFILES_REFERENCING = `select ip.id, ip.name from profile_transform_refs r join identity_profiles ip on ip.id = r.profile_id
  where r.tenant_id = $1 and r.transform_key = lower($2) order by lower(ip.name)`;

/** Transforms whose definition references transform `$2` (any case), tenant `$1`. */
export const TRANSFORMS_REFERENCING = `select t.id, t.name from transform_transform_refs r join transforms t on t.id = r.transform_id
  where r.tenant_id = $1 and r.transform_key = lower($2) order by t.name_key`;

const REFERENCE_KEYS = new Set(['profile_transform_refs_transform', 'transform_transform_refs_transform']);

/** The transform name in a reference key's violation detail (`Key (tenant_id, transform_key)=(default, name) is …`). */
function referencedName(detail: unknown): string | undefined {
  return typeof detail === 'string' ? /=\([^,]*, (.*)\)[^)]*$/.exec(detail)?.[1] : undefined;
}

const isReferenceViolation = (e: unknown): e is { detail?: unknown } => {
  const err = e as { code?: unknown; constraint?: unknown };
  return err?.code === '23503' && typeof err.constraint === 'string' && REFERENCE_KEYS.has(err.constraint);
};

/**
 * A write of a definition that references a transform deleted since its references were checked
 * (the delete committed first): the 400 the check gives when it sees the transform missing.
 * Other errors are returned as they are.
 */
export function missingTransformError(e: unknown, what: 'identity attribute mapping' | 'transform'): unknown {
  if (!isReferenceViolation(e)) return e;
  const name = referencedName(e.detail);
  const which = name === undefined ? 'a transform it references' : `transform '${name}'`;
  return new AppError(
    what === 'transform' ? 'transform_invalid' : 'mapping_invalid',
    `Invalid ${what}: ${which} does not exist (it was deleted while this was being saved).`,
  );
}

/** A transform delete that a reference written meanwhile holds back (the delete's own check came first). */
export function referencedTransformError(e: unknown, id: string): unknown {
  if (!isReferenceViolation(e)) return e;
  return new AppError(
    'transform_referenced',
    `Transform ${id} is referenced by a profile or transform saved meanwhile and cannot be deleted.`,
  );
}
