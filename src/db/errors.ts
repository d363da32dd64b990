import { ERRORS } from '../errors.js';

/**
 * SQLSTATE → domain error, in one place, keyed on the `code` string so it works for both `pg`
 * and PGlite errors. Unique violations are 400 (product decision 3: duplicates are bad requests).
 */
export function mapDatabaseError(e: unknown): unknown {
  const err = e as { code?: unknown; constraint?: unknown; detail?: unknown; message?: unknown };
  if (typeof err?.code !== 'string') return e;
  switch (err.code) {
    case '23505':
      return ERRORS.badRequest(`Duplicate value: ${describeConstraint(err.constraint, err.detail)}`);
    case '23503':
      return ERRORS.badRequest(`The object is referenced by or references another that does not allow it: ${describeConstraint(err.constraint, err.detail)}`);
    case '22021': // a NUL character or an invalid byte sequence (e.g. %00 in a path)
    case '22P05': // an escape jsonb cannot store
      return ERRORS.badRequest('A value holds a character that cannot be stored (NUL or an unpaired surrogate).');
    case '22001':
    case '22003':
    case '22P02':
      return ERRORS.badRequest(`A value is out of range or malformed: ${String(err.message)}`);
    case '40001':
    case '40P01':
      return ERRORS.conflict('The request conflicted with a concurrent change; retry it.');
    default:
      return e;
  }
}

const FRIENDLY: Record<string, string> = {
  identity_profiles_name_unique: 'an identity profile with this name already exists',
  identity_profiles_source_unique: 'this source is already the authoritative source of another identity profile',
  sources_name_unique: 'a source with this name already exists',
  transforms_name_unique: 'a transform with this name already exists',
};

function describeConstraint(constraint: unknown, detail: unknown): string {
  return (typeof constraint === 'string' && FRIENDLY[constraint]) || (typeof detail === 'string' ? detail : 'constraint violated');
}
