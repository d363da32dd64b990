import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * Query parameters and form fields that carry credentials. ISC (and our README) accept the token
 * request's `client_secret` in the query string, so any logged URL, error message or raw request
 * may hold one.
 */
// the value runs to the next `&`, space, quote or `#`; a JSON escape (`\"`, `\u0000`) is part of it
const CREDENTIAL_PARAMETER = /((?:^|[?&;\s"'\\/])(?:client_secret|client_assertion|secret|password|passwd|pwd|access_token|refresh_token|id_token|token|api[_-]?key)=)(?:\\.|[^&\s"\\#])*/gi;
const REDACTED = '[redacted]';

/** `url` (or any text) with the value of every credential parameter replaced by `[redacted]`. */
export function redactCredentials(text: string): string {
  return text.replace(CREDENTIAL_PARAMETER, `$1${REDACTED}`);
}

/**
 * Fields that hold credentials wherever they appear in a log object: headers a serializer may
 * include, and Node's raw copy of a malformed request (`err.rawPacket`, logged by Fastify's
 * client-error handler at trace level).
 */
const REDACTED_PATHS = [
  'req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie',
  'err.rawPacket', 'client_secret', '*.client_secret', 'password', '*.password',
];

/**
 * The process's logger. Every line passes `redactCredentials` as written (`streamWrite`), so a
 * secret in a URL never reaches the log, whichever field or message carries it (our request log,
 * Fastify's warnings and error messages, a driver's error); known credential fields are removed
 * before that.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    redact: { paths: REDACTED_PATHS, censor: REDACTED },
    hooks: { streamWrite: redactCredentials },
  };
  return destination ? pino(options, destination) : pino(options);
}
