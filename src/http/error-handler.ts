import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ERRORS, isAppError } from '../errors.js';
import type { ErrorResponse } from '../domain/shared/schema.js';
import { mapDatabaseError } from '../db/errors.js';

const DETAIL_CODES: Record<number, string> = {
  400: '400.1 Bad Request Content',
  403: '403 Forbidden',
  404: '404 Not found',
  405: '405 Method Not Allowed',
  409: '409 Conflict',
  413: '413 Payload Too Large',
  415: '415 Unsupported Media Type',
  500: '500.0 Internal Fault',
};

const text = (t: string) => ({ locale: 'en-US', localeOrigin: 'DEFAULT' as const, text: t });

/** ISC's ErrorResponseDto for an AppError; `trackingId` is the request id in the logs. */
export function errorResponseBody(error: AppError, trackingId: string): ErrorResponse | { error: string } | { message: string } {
  if (error.status === 401) return { error: error.message };
  if (error.status === 429) return { message: error.message };
  return {
    detailCode: DETAIL_CODES[error.status] ?? `${error.status}`,
    trackingId,
    messages: [text(error.message)],
    causes: error.causes.map(text),
  };
}

/** Turns anything thrown (our errors, Fastify's validation and parsing errors, SQL errors) into an AppError. */
export function toAppError(e: unknown): AppError {
  const mapped = mapDatabaseError(e);
  if (isAppError(mapped)) return mapped;
  const err = e as FastifyError;
  if (err.validation) {
    const causes = err.validation.map((v) => `${err.validationContext ?? 'body'}${v.instancePath || ''}: ${v.message ?? 'is invalid'}${describeParams(v.params)}`);
    return ERRORS.badRequest(`The request is invalid: ${causes[0]}`, causes);
  }
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return ERRORS.unsupportedMediaType(String(err.message).replace(/^Unsupported Media Type:?\s*/, '') || 'unknown');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return ERRORS.payloadTooLarge();
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return ERRORS.badRequest('The request body is empty; a JSON body is required.');
  }
  if (err instanceof SyntaxError || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY') return ERRORS.badRequest(`The request body is not valid JSON: ${err.message}`);
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return new AppError(err.statusCode === 404 ? 'not_found' : 'bad_request', err.statusCode, err.message);
  }
  return ERRORS.internal();
}

function describeParams(params: Record<string, unknown> | undefined): string {
  if (!params) return '';
  if (typeof params.additionalProperty === 'string') return ` ('${params.additionalProperty}')`;
  if (Array.isArray(params.allowedValues)) return ` (${params.allowedValues.join(', ')})`;
  return '';
}

/** Sends an AppError in ISC's shape. */
export function sendError(reply: FastifyReply, request: FastifyRequest, error: AppError) {
  return reply.code(error.status).headers(error.headers).type('application/json; charset=utf-8').send(errorResponseBody(error, request.id));
}

/** The only place errors become HTTP responses, including unknown routes (404) and wrong methods (405). */
export function installErrorHandling(app: FastifyInstance, allowedMethods: (url: string) => string[]): void {
  app.setErrorHandler((e, request, reply) => {
    const error = toAppError(e);
    if (error.status >= 500) request.log.error({ err: e }, 'unhandled error');
    else request.log.info({ status: error.status, msg: error.message }, 'request refused');
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
