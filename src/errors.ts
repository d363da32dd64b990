/**
 * The one error type the domain throws, and the catalog of its factories.
 * `http/error-handler.ts` is the only place that turns these into HTTP responses
 * (ISC's ErrorResponseDto for 4xx/5xx; 401 and 429 have ISC's own shapes).
 */
export type ErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'payload_too_large'
  | 'uri_too_long'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'internal'
  | 'unavailable';

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    message: string,
    /** Further human-readable reasons, rendered as ErrorResponseDto `causes`. */
    readonly causes: readonly string[] = [],
    /** Extra response headers (e.g. Retry-After). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** What a 503 tells clients to wait before trying again (a database restart or failover takes seconds). */
export const RETRY_AFTER_SECONDS = 5;

export const ERRORS = {
  badRequest: (message: string, causes: readonly string[] = []) =>
    new AppError('bad_request', 400, message, causes),
  unauthorized: (message = 'JWT validation failed: no token') =>
    new AppError('unauthorized', 401, message),
  forbidden: (message = 'The server understood the request but refuses to authorize it.', causes: readonly string[] = []) =>
    new AppError('forbidden', 403, message, causes),
  notFound: (what: string, id: string) =>
    new AppError('not_found', 404, `${what} '${id}' was not found.`),
  routeNotFound: (method: string, url: string) =>
    new AppError('not_found', 404, `No route for ${method} ${url}.`),
  methodNotAllowed: (method: string, url: string) =>
    new AppError('method_not_allowed', 405, `Method ${method} is not allowed on ${url}.`),
  conflict: (message: string) => new AppError('conflict', 409, message),
  payloadTooLarge: (message = 'The request body is too large.') =>
    new AppError('payload_too_large', 413, message),
  uriTooLong: (message = 'The request URL is too long: a path segment exceeds the allowed length.') =>
    new AppError('uri_too_long', 414, message),
  unsupportedMediaType: (contentType: string, supported?: readonly string[]) =>
    new AppError(
      'unsupported_media_type',
      415,
      `Content type '${contentType}' is not supported here${supported?.length ? `; use ${supported.join(' or ')}` : ''}.`,
    ),
  rateLimited: (retryAfterSeconds: number) =>
    new AppError('rate_limited', 429, ' Rate Limit Exceeded ', [], { 'Retry-After': String(retryAfterSeconds) }),
  internal: (message = 'An internal fault occurred.') => new AppError('internal', 500, message),
  /** A dependency (the database) is away for now: nothing was done, the same request may succeed after `Retry-After`. */
  unavailable: (message: string, causes: readonly string[] = [], retryAfterSeconds = RETRY_AFTER_SECONDS) =>
    new AppError('unavailable', 503, message, causes, { 'Retry-After': String(retryAfterSeconds) }),
} as const;

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
