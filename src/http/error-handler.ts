import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ERRORS, isAppError } from '../errors.js';
import type { ErrorResponse } from '../domain/shared/schema.js';
import { FORM_BODY_LIMIT } from './plugins/content-types.js';

const DETAIL_CODES: Record<number, string> = {
  400: '400.1 Bad Request Content',
  403: '403 Forbidden',
  404: '404 Not found',
  405: '405 Method Not Allowed',
  409: '409 Conflict',
  413: '413 Payload Too Large',
  414: '414 URI Too Long',
  415: '415 Unsupported Media Type',
  500: '500.0 Internal Fault',
  503: '503 Service Unavailable',
};

/** The media types our routes read (content-types plugin, multipart on the token endpoint). */
const SUPPORTED_MEDIA_TYPES = ['application/json', 'application/json-patch+json (PATCH)'];

const text = (t: string) => ({ locale: 'en-US', localeOrigin: 'DEFAULT' as const, text: t });

type ErrorBody = ErrorResponse | { error: string; error_description?: string } | { message: string };

/** ISC's ErrorResponseDto for an AppError; `trackingId` is the request id in the logs. 401 and 429 have ISC's own shapes. */
export function errorResponseBody(error: AppError, trackingId: string): ErrorBody {
  if (error.status === 401) return { error: error.message };
  if (error.status === 429) return { message: error.message };
  return {
    detailCode: DETAIL_CODES[error.status] ?? `${error.status}`,
    trackingId,
    messages: [text(error.message)],
    causes: error.causes.map(text),
  };
}

/** RFC 6749 §5.2 error body for the OAuth endpoints (`/oauth/token` answers `{error, error_description}`). */
function oauthErrorBody(error: AppError): ErrorBody {
  const code =
    error.status === 503
      ? 'temporarily_unavailable'
      : error.status >= 500
        ? 'server_error'
        : error.status === 401
          ? 'invalid_client'
          : 'invalid_request';
  return { error: code, error_description: error.message };
}

interface AjvError {
  instancePath?: string;
  schemaPath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/**
 * A union's (`anyOf`) errors → one cause. When an alternative of the right type failed for a
 * reason of its own (`owner/type` of a nullable owner, a too-long nullable description), that
 * reason is the cause; otherwise the alternatives are listed ("body/0/op: must be one of "add",
 * "remove", …"; "body/description: must be one of string, null").
 */
function describeUnion(union: AjvError, branches: readonly AjvError[], context: string): string[] {
  const path = union.instancePath ?? '';
  const specific = branches.filter(
    (b) => (b.instancePath ?? '') !== path || (b.keyword !== 'type' && b.keyword !== 'const'),
  );
  if (specific.length > 0) return specific.map((b) => describeOne(b, context));
  const alternatives = branches.map((b) =>
    b.keyword === 'const' ? JSON.stringify(b.params?.allowedValue) : String(b.params?.type ?? b.message),
  );
  return [`${context}${path}: must be one of ${[...new Set(alternatives)].join(', ')}`];
}

function describeOne(v: AjvError, context: string): string {
  return `${context}${v.instancePath ?? ''}: ${v.message ?? 'is invalid'}${describeParams(v.params)}`;
}

/** Ajv errors → one readable cause per problem, each naming where it is (`body/name: must be string`). */
export function describeValidation(errors: readonly AjvError[], context: string): string[] {
  const consumed = new Set<AjvError>();
  const out: string[] = [];
  for (const union of errors.filter((v) => v.keyword === 'anyOf' && v.schemaPath)) {
    const branches = errors.filter((v) => v !== union && v.schemaPath?.startsWith(`${union.schemaPath}/`));
    for (const b of [union, ...branches]) consumed.add(b);
    out.push(...describeUnion(union, branches, context));
  }
  for (const v of errors) if (!consumed.has(v)) out.push(describeOne(v, context));
  return [...new Set(out)];
}

function describeParams(params: Record<string, unknown> | undefined): string {
  if (!params) return '';
  if (typeof params.additionalProperty === 'string') return ` ('${params.additionalProperty}')`;
  if (Array.isArray(params.allowedValues)) return ` (${params.allowedValues.join(', ')})`;
  if ('allowedValue' in params) return ` (${JSON.stringify(params.allowedValue)})`;
  return '';
}

/** Fastify's own request errors (parsing, routing, limits) that are the client's fault. */
function frameworkError(err: FastifyError, request?: FastifyRequest): AppError | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return ERRORS.unsupportedMediaType(String(request?.headers['content-type'] ?? 'none'), SUPPORTED_MEDIA_TYPES);
    case 'FST_ERR_CTP_BODY_TOO_LARGE': {
      const form = String(request?.headers['content-type'] ?? '')
        .toLowerCase()
        .startsWith('application/x-www-form-urlencoded');
      const limit = form ? FORM_BODY_LIMIT : request?.routeOptions.bodyLimit;
      return ERRORS.payloadTooLarge(limit ? `The request body is too large; the limit is ${limit} bytes.` : undefined);
    }
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('invalid_json', 'The request body is empty; a JSON body is required.');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return ERRORS.uriTooLong();
    case 'FST_ERR_BAD_URL':
      return new AppError(
        'invalid_url',
        'The request URL is not valid: it contains a malformed percent-encoded sequence.',
      );
  }
  if (err instanceof SyntaxError || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY')
    return new AppError('invalid_json', `The request body is not valid JSON: ${err.message}`);
  return undefined;
}

/**
 * Turns anything thrown (our errors, Fastify's validation and parsing errors) into an AppError.
 * Database errors arrive translated already (db/boundary.ts); anything else unknown is a 500.
 */
export function toAppError(e: unknown, request?: FastifyRequest): AppError {
  if (isAppError(e)) return e;
  const err = e as FastifyError;
  if (err.validation) {
    const causes = describeValidation(err.validation, err.validationContext ?? 'body');
    return new AppError('invalid_request', `The request is invalid: ${causes[0]}`, causes);
  }
  const known = frameworkError(err, request);
  if (known) return known;
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return ERRORS.refusedByFramework(err.statusCode, err.message);
  }
  return ERRORS.internal();
}

/**
 * Sends an AppError in ISC's shape (OAuth's on `/oauth/*` routes, except a rate limit's 429, which is
 * ISC's gateway's everywhere). The body is serialized here,
 * so a route's response schemas (which describe its own error shapes) can never turn an error into a 500.
 */
export function sendError(reply: FastifyReply, request: FastifyRequest, error: AppError) {
  const oauth = request.routeOptions?.url?.startsWith('/oauth/') === true && error.code !== 'rate_limited';
  const body = oauth ? oauthErrorBody(error) : errorResponseBody(error, request.id);
  return reply
    .code(error.status)
    .headers(error.headers)
    .type('application/json; charset=utf-8')
    .send(JSON.stringify(body));
}

/** What made a 503: the database's own words (a translated error keeps them as its `cause`). */
const describeCause = (e: unknown) => ((e as Error)?.cause as Error | undefined)?.message ?? (e as Error)?.message;

/** The only place errors become HTTP responses, including unknown routes (404) and wrong methods (405). */
export function installErrorHandling(app: FastifyInstance, allowedMethods: (url: string) => string[]): void {
  app.setErrorHandler((e, request, reply) => {
    const error = toAppError(e, request);
    if (error.code === 'unavailable')
      request.log.warn(
        { code: error.code, reason: error.message, cause: describeCause(e) },
        'request refused: a dependency is unavailable',
      );
    else if (error.status >= 500) request.log.error({ code: error.code, err: e }, 'unhandled error');
    else request.log.info({ code: error.code, status: error.status, reason: error.message }, 'request refused');
    return sendError(reply, request, error);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    const allowed = allowedMethods(path);
    if (allowed.length > 0) {
      reply.header('Allow', allowed.join(', '));
      return sendError(reply, request, ERRORS.methodNotAllowed(request.method, path));
    }
    return sendError(reply, request, ERRORS.routeNotFound(request.method, path));
  });
}

/** Fastify's `frameworkErrors` option: router errors (over-long parameter, bad percent-encoding) in ISC's shape, not Fastify's. */
export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  return sendError(reply, request, toAppError(error, request));
}
