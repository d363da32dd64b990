/**
 * The one error type the domain throws, the catalog of its codes, and factories for the errors
 * whose text is always the same. A code is stable (code and logs may rely on it); the message is
 * prose for a person and may change. The HTTP status comes from the catalog, never from a call site.
 * `http/error-handler.ts` is the only place that turns these into HTTP responses (ISC's
 * ErrorResponseDto for 4xx/5xx; 401 and 429 have ISC's own shapes): the code is logged, not sent.
 * Database errors arrive here already translated (`db/boundary.ts`).
 */
export const ERROR_CODES = {
  // The request as HTTP: its shape, body, size, credentials, rate
  /** The request does not match the route's schema (body, parameters, query). */
  invalid_request: 400,
  /** The body is empty where JSON is required, is not JSON, or passes a JSON shape limit. */
  invalid_json: 400,
  /** The URL holds a malformed percent-encoded sequence. */
  invalid_url: 400,
  /** Fastify or a plugin refused the request with a 4xx of its own, sent as it is (`ERRORS.refusedByFramework`). */
  request_refused: 400,
  /** No bearer token, a malformed or invalid one, or one of a revoked client. */
  invalid_token: 401,
  /** The token lacks the rights (scopes or user levels) the route requires. */
  rights_missing: 403,
  /** The route declares no rights: closed to everyone. */
  route_closed: 403,
  route_not_found: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  uri_too_long: 414,
  unsupported_media_type: 415,
  rate_limited: 429,

  // Collections and patches (any resource)
  invalid_filter: 400,
  invalid_sorter: 400,
  /** `limit`, `offset` or `count` out of range or malformed. */
  invalid_paging: 400,
  /** A JSON Patch operation that is incomplete, cannot be applied, or names a field the resource does not have. */
  invalid_patch: 400,
  /** A patch or update writes a field that cannot be changed (read-only, or not by this server). */
  field_not_updatable: 400,

  // Identity profiles
  profile_not_found: 404,
  profile_name_taken: 400,
  /** The authoritative source already serves another profile (a source serves at most one). */
  profile_source_taken: 400,
  /** The authoritative source named does not exist. */
  authoritative_source_missing: 400,
  /** The profile still has identities: it cannot be deleted. */
  profile_has_identities: 400,
  /** The profile a patch produces is not valid against the version's schema. */
  profile_invalid: 400,
  /** An identity attribute mapping is wrong (unknown or missing transform, bad definition, over the compile budget). */
  mapping_invalid: 400,
  /** A transform type that a preview in this API version does not allow at the top of a mapping. */
  transform_type_not_allowed: 400,
  /** The identity a preview names does not exist. */
  preview_identity_missing: 400,

  // Sources, accounts, uploads
  source_not_found: 404,
  source_name_taken: 400,
  /** The source is a profile's authoritative source: it cannot be deleted. */
  source_in_use: 400,
  /** A source field holds a value out of its range (`deleteThreshold`). */
  source_invalid: 400,
  account_not_found: 404,
  /** An upload not sent as multipart/form-data with a part named `file`. */
  invalid_upload: 400,
  /** An uploaded file past this server's upload limit. */
  upload_too_large: 413,
  /** The upload ended before the end of its file (the connection closed). */
  upload_incomplete: 400,
  /** An account file refused as a whole: empty, no id column, a column twice, too many columns, a row too long. */
  invalid_csv: 400,

  // Transforms
  transform_not_found: 404,
  transform_name_taken: 400,
  /** A transform definition that does not compile. */
  transform_invalid: 400,
  /** A transform a profile or another transform references: it cannot be deleted. */
  transform_referenced: 400,
  /** One of the server's internal transforms: it cannot be changed or deleted. */
  transform_internal: 403,

  // Identities and lifecycle states
  identity_not_found: 404,
  lifecycle_state_not_found: 404,
  /** A profile already has a lifecycle state with this technical name (ignoring case). */
  lifecycle_state_name_taken: 400,
  /** The lifecycle state a patch produces is not valid. */
  lifecycle_state_invalid: 400,
  /** Identities are in the lifecycle state: it cannot be deleted. */
  lifecycle_state_in_use: 400,
  /** The lifecycle state cannot be set on this identity (no profile, another profile's state, disabled). */
  lifecycle_state_not_assignable: 400,
  /** A lifecycle state's account action that names its sources wrongly or names a source that does not exist. */
  invalid_account_action: 400,
  /** `/identities/process` given no identity ids, or too many. */
  invalid_identity_selection: 400,
  task_not_found: 404,

  // API clients
  unknown_authority: 400,

  // What the database refused (SQLSTATEs, translated by db/errors.ts)
  /** A unique constraint without a more specific code above (e.g. `profile_name_taken`). */
  duplicate_value: 400,
  /** A foreign key violated: the object is referenced by, or references, another that does not allow it. */
  reference_violated: 400,
  /** A value holds a character the database cannot store (NUL, an unpaired surrogate). */
  unstorable_value: 400,
  /** A value out of range or malformed for its column. */
  invalid_value: 400,
  /** A serialization failure or deadlock with a concurrent change: the same request may succeed again. */
  concurrent_change: 409,
  /** The database is away or did not answer in time: nothing was done; retry after `Retry-After`. */
  unavailable: 503,

  internal: 500,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  /** From the catalog: one code, one status. */
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Further human-readable reasons, rendered as ErrorResponseDto `causes`. */
    readonly causes: readonly string[] = [],
    /** Extra response headers (e.g. Retry-After). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.status = ERROR_CODES[code];
  }
}

/**
 * A 4xx that Fastify or one of its plugins decided (multipart's 406, a static file's 416…): no
 * code of ours names it, and the client is owed the status the framework chose.
 */
class FrameworkRefusal extends AppError {
  override readonly status: number;

  constructor(status: number, message: string) {
    super('request_refused', message);
    this.status = status;
  }
}

/** What a 503 tells clients to wait before trying again (a database restart or failover takes seconds). */
export const RETRY_AFTER_SECONDS = 5;

/** The codes of a resource not found, with the noun their message names. */
const NOT_FOUND = {
  profile_not_found: 'Identity profile',
  source_not_found: 'Source',
  account_not_found: 'Account',
  transform_not_found: 'Transform',
  identity_not_found: 'Identity',
  lifecycle_state_not_found: 'Lifecycle state',
  task_not_found: 'Task',
} as const satisfies Partial<Record<ErrorCode, string>>;

export const ERRORS = {
  notFound: (code: keyof typeof NOT_FOUND, id: string) =>
    new AppError(code, `${NOT_FOUND[code]} '${id}' was not found.`),
  invalidToken: (message = 'JWT validation failed: no token') => new AppError('invalid_token', message),
  rightsMissing: (causes: readonly string[]) =>
    new AppError('rights_missing', 'The server understood the request but refuses to authorize it.', causes),
  routeNotFound: (method: string, url: string) => new AppError('route_not_found', `No route for ${method} ${url}.`),
  methodNotAllowed: (method: string, url: string) =>
    new AppError('method_not_allowed', `Method ${method} is not allowed on ${url}.`),
  payloadTooLarge: (message = 'The request body is too large.') => new AppError('payload_too_large', message),
  uriTooLong: () =>
    new AppError('uri_too_long', 'The request URL is too long: a path segment exceeds the allowed length.'),
  unsupportedMediaType: (contentType: string, supported?: readonly string[]) =>
    new AppError(
      'unsupported_media_type',
      `Content type '${contentType}' is not supported here${supported?.length ? `; use ${supported.join(' or ')}` : ''}.`,
    ),
  rateLimited: (retryAfterSeconds: number) =>
    new AppError('rate_limited', ' Rate Limit Exceeded ', [], { 'Retry-After': String(retryAfterSeconds) }),
  refusedByFramework: (status: number, message: string): AppError => new FrameworkRefusal(status, message),
  internal: () => new AppError('internal', 'An internal fault occurred.'),
  /** A dependency (the database) is away for now: nothing was done, the same request may succeed after `Retry-After`. */
  unavailable: (message: string, causes: readonly string[] = [], retryAfterSeconds = RETRY_AFTER_SECONDS) =>
    new AppError('unavailable', message, causes, { 'Retry-After': String(retryAfterSeconds) }),
} as const;

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
