import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { PinoPretty } from 'pino-pretty';

/**
 * Query parameters and form fields that carry credentials. ISC (and our README) accept the token
 * request's `client_secret` in the query string, so any logged URL, error message or raw request
 * may hold one.
 */
// the value runs to the next `&`, space, quote or `#`; a JSON escape (`\"`, `\u0000`) is part of it
const CREDENTIAL_PARAMETER =
  /((?:^|[?&;\s"'\\/])(?:client_secret|client_assertion|secret|password|passwd|pwd|access_token|refresh_token|id_token|token|api[_-]?key)=)(?:\\.|[^&\s"\\#])*/gi;
/**
 * The password of a URL's user info (`postgres://user:PASSWORD@host`, `redis://:PASSWORD@host`):
 * a `DATABASE_URL` or `REDIS_URL` that a driver repeats in an error (Node's ERR_INVALID_URL keeps
 * the text in `input`, and pino logs every field of an error). The password runs to the last `@`
 * of its word (`hidePassword`), as in a URL too malformed to parse (an unencoded `@` or `/` in it).
 * The pattern takes the rest of the word without backtracking and a scheme starts only at a
 * word's start, so a line costs linear time whatever it holds.
 */
const URL_USER_INFO = /((?<![a-z0-9+.-])[a-z][a-z0-9+.-]*:\/\/[^\s:@/?#"'\\]*:)((?:\\.|[^\s"'\\])*)/gi;
const REDACTED = '[redacted]';

const hidePassword = (word: string, upToColon: string, rest: string) => {
  const at = rest.lastIndexOf('@');
  return at < 0 ? word : `${upToColon}${REDACTED}${rest.slice(at)}`;
};

/** `url` (or any text) with every credential parameter's value and every URL's password replaced by `[redacted]`. */
export function redactCredentials(text: string): string {
  return text.replace(CREDENTIAL_PARAMETER, `$1${REDACTED}`).replace(URL_USER_INFO, hidePassword);
}

/**
 * A value meant to be one URL, for a message (a configuration error): the user info's password —
 * everything from its first `:` to the value's last `@`, spaces included — and every credential
 * parameter replaced by `[redacted]`. Unlike `redactCredentials` it needs no well-formed word: a
 * malformed URL is exactly what such a message repeats. A user name is kept (it says which account).
 */
export function redactUrl(text: string): string {
  const at = text.lastIndexOf('@');
  if (at < 0) return redactCredentials(text);
  const scheme = text.indexOf('://');
  const start = scheme >= 0 && scheme < at ? scheme + 3 : 0;
  const colon = text.indexOf(':', start);
  const userInfo = colon >= 0 && colon < at ? `${text.slice(start, colon)}:${REDACTED}` : text.slice(start, at);
  return redactCredentials(`${text.slice(0, start)}${userInfo}${text.slice(at)}`);
}

/**
 * Fields that hold credentials wherever they appear in a log object: headers a serializer may
 * include, and Node's raw copy of a malformed request (`err.rawPacket`, logged by Fastify's
 * client-error handler at trace level).
 */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'err.rawPacket',
  'client_secret',
  '*.client_secret',
  'password',
  '*.password',
];

/** How log lines are written: one JSON object per line, pino-pretty's readable lines, or pretty on a terminal and JSON otherwise. */
export type LogFormat = 'json' | 'pretty' | 'auto';

/** `auto` resolved for an output: pretty on a terminal (a person reads it), JSON into a pipe or file (a collector reads it). */
export const resolveLogFormat = (format: LogFormat, output: { isTTY?: boolean }): 'json' | 'pretty' =>
  format === 'auto' ? (output.isTTY ? 'pretty' : 'json') : format;

/**
 * One `msg` per line. pino writes a merging object's own `msg` key next to the message argument
 * (`log.info({ msg: 'why' }, 'what')` gives `{"msg":"why",…,"msg":"what"}`; `jq` and most
 * collectors keep only the last). Such a field is renamed `detail`: the line keeps both texts, once each.
 */
const oneMessage: NonNullable<LoggerOptions['hooks']>['logMethod'] = function (args, method) {
  const [first, second] = args as unknown[];
  if (
    first !== null &&
    typeof first === 'object' &&
    !(first instanceof Error) &&
    'msg' in first &&
    typeof second === 'string'
  ) {
    const { msg, ...rest } = first as Record<string, unknown>;
    (args as unknown[])[0] = { ...rest, detail: msg };
  }
  return method.apply(this, args);
};

/**
 * The process's logger. Every line passes `redactCredentials` as written (`streamWrite`), so a
 * secret in a URL never reaches the log, whichever field or message carries it (our request log,
 * Fastify's warnings and error messages, a driver's error); known credential fields are removed
 * before that. `format: 'pretty'` prints through pino-pretty in this thread (after the redaction:
 * it reads the redacted JSON), to `destination` or stdout.
 */
export function createLogger(
  level: string,
  destination?: DestinationStream,
  format: 'json' | 'pretty' = 'json',
): Logger {
  const options: LoggerOptions = {
    level,
    redact: { paths: REDACTED_PATHS, censor: REDACTED },
    hooks: { streamWrite: redactCredentials, logMethod: oneMessage },
  };
  if (format === 'pretty') {
    const out = destination ?? process.stdout;
    const colorize = (out as { isTTY?: boolean }).isTTY === true;
    return pino(
      options,
      PinoPretty({ destination: out, colorize, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }),
    );
  }
  return destination ? pino(options, destination) : pino(options);
}

/** The logger of `serve` and `worker`: stdout, in the configured format (`auto`: pretty on a terminal). */
export const processLogger = (config: { logLevel: string; logFormat: LogFormat }): Logger =>
  createLogger(config.logLevel, undefined, resolveLogFormat(config.logFormat, process.stdout));
