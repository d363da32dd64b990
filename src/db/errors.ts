import { AppError, ERRORS, isAppError, type ErrorCode } from '../errors.js';

/**
 * SQLSTATE → domain error, in one place, keyed on the `code` string so it works for both `pg`
 * and PGlite errors. Unique violations are 400 (product decision 3: duplicates are bad requests).
 * A lost or refused connection is a 503 with Retry-After: the request did nothing (a transaction
 * cut off is rolled back by PostgreSQL) and may be sent again. Our own errors, and errors that are
 * not the database's, are returned as they are.
 */
export function mapDatabaseError(e: unknown): unknown {
  if (isAppError(e)) return e;
  if (isConnectionFailure(e)) {
    const unavailable = ERRORS.unavailable(
      'The database is unavailable; nothing was changed. Retry the request shortly.',
      [describeFailure(e)],
    );
    unavailable.cause = e; // still a connection failure to whoever retries work (jobs/outage.ts)
    return unavailable;
  }
  const err = e as { code?: unknown; constraint?: unknown; detail?: unknown; message?: unknown };
  if (typeof err?.code !== 'string') return e;
  switch (err.code) {
    case '57014': // statement_timeout (IDPROFILES_STATEMENT_TIMEOUT_MS) or a cancel
      return ERRORS.unavailable(
        'The database did not answer in time; nothing was changed. Retry the request shortly.',
        ['the statement was cancelled after the statement timeout'],
      );
    case '23505':
      return new AppError(
        uniqueCode(err.constraint),
        `Duplicate value: ${describeConstraint(err.constraint, err.detail)}`,
      );
    case '23503':
      return new AppError(
        'reference_violated',
        `The object is referenced by or references another that does not allow it: ${describeConstraint(err.constraint, err.detail)}`,
      );
    case '22021': // a NUL character or an invalid byte sequence (e.g. %00 in a path)
    case '22P05': // an escape jsonb cannot store
      return new AppError(
        'unstorable_value',
        'A value holds a character that cannot be stored (NUL or an unpaired surrogate).',
      );
    case '22001':
    case '22003':
    case '22P02':
      return new AppError('invalid_value', `A value is out of range or malformed: ${String(err.message)}`);
    case '40001':
    case '40P01':
      return new AppError('concurrent_change', 'The request conflicted with a concurrent change; retry it.');
    default:
      return e;
  }
}

/** The unique constraints a person can break by a request, with the code and words for it. */
const UNIQUE: Record<string, { code: ErrorCode; says: string }> = {
  identity_profiles_name_unique: {
    code: 'profile_name_taken',
    says: 'an identity profile with this name already exists',
  },
  identity_profiles_source_unique: {
    code: 'profile_source_taken',
    says: 'this source is already the authoritative source of another identity profile',
  },
  sources_name_unique: { code: 'source_name_taken', says: 'a source with this name already exists' },
  transforms_name_unique: { code: 'transform_name_taken', says: 'a transform with this name already exists' },
  lifecycle_states_technical_name: {
    code: 'lifecycle_state_name_taken',
    says: 'this identity profile already has a lifecycle state with this technical name',
  },
};

const uniqueCode = (constraint: unknown): ErrorCode =>
  (typeof constraint === 'string' && UNIQUE[constraint]?.code) || 'duplicate_value';

function describeConstraint(constraint: unknown, detail: unknown): string {
  return (
    (typeof constraint === 'string' && UNIQUE[constraint]?.says) ||
    (typeof detail === 'string' ? detail : 'constraint violated')
  );
}

/**
 * SQLSTATEs of a session the server ended or refused: administrator or crash shutdown,
 * "cannot connect now" (starting up, in recovery), too many connections, and every connection
 * exception (class 08).
 */
const CONNECTION_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
/** Socket errors of a connection that could not be made or was lost. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
]);
/** pg's own errors for the same (they carry no code): lost, timed out, or unusable after a loss. */
// (the last two: PGlite's thread died — pglite-worker.ts — and is being opened again, pglite-lifeline.ts)
const PG_CONNECTION_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error and is not queryable|Connection closed|Query read timeout|the embedded database's thread exited|the embedded database failed)/;

/**
 * Did this fail because the database could not be reached or dropped the connection (as opposed
 * to refusing the statement)? Such a failure says nothing about the request: retried once the
 * database answers again, it may well succeed.
 */
export function isConnectionFailure(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown; errors?: unknown; cause?: unknown } | undefined;
  if (!err || typeof err !== 'object') return false;
  if (err.cause !== undefined && err.cause !== e && isConnectionFailure(err.cause)) return true;
  if (
    typeof err.code === 'string' &&
    (CONNECTION_SQLSTATES.has(err.code) || err.code.startsWith('08') || SOCKET_CODES.has(err.code))
  )
    return true;
  if (typeof err.message === 'string' && PG_CONNECTION_MESSAGES.test(err.message)) return true;
  // Node's connect to a name with several addresses fails with an AggregateError of each attempt
  return Array.isArray(err.errors) && err.errors.length > 0 && err.errors.every(isConnectionFailure);
}

/** One line for a person: what the connection failure was (never the URL or a password). */
export function describeFailure(e: unknown): string {
  if (isAppError(e) && e.cause !== undefined) return describeFailure(e.cause); // the driver's words, not our 503's
  const err = e as { code?: unknown; message?: unknown; errors?: unknown };
  const first = Array.isArray(err?.errors) ? (err.errors[0] as { message?: unknown } | undefined) : undefined;
  const message =
    typeof err?.message === 'string' && err.message
      ? err.message
      : typeof first?.message === 'string'
        ? first.message
        : String(e);
  return typeof err?.code === 'string' && !message.includes(err.code) ? `${message} (${err.code})` : message;
}

/**
 * What kind of failure it was, in words safe for a public route (`/health`): the error's code
 * (a SQLSTATE, a socket code), or "connection lost or timed out" for pg's and PGlite's own
 * connection errors, which carry none — never the message, which may name the database's address.
 */
export function failureKind(e: unknown): string {
  const code = (e as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : isConnectionFailure(e) ? 'connection lost or timed out' : 'error';
}
