import type { Config } from './config.js';
import { redactUrl } from './logger.js';

/**
 * How each setting's text becomes its value: the parsers `loadConfig` (config.ts) reads variables
 * with. Each answers the value or what is wrong with the text, naming the variable and repeating
 * the value only as `shown` does (a URL's password replaced).
 */

/** Five cron fields (minute hour day month weekday) of digits, `*`, `,`, `-` and `/`; pg-boss's parser checks the rest at start. */
export const CRON_PATTERN = '^[0-9*,/-]+( [0-9*,/-]+){4}$';
/** A value as a configuration error repeats it: quoted, with any URL password or credential parameter replaced by `[redacted]`. */
export const shown = (text: string) => `'${redactUrl(text)}'`;

export type Env = Record<string, string | undefined>;
/** A parsed value, or what is wrong with the text (naming the variable and the value). */
export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };
export const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
export const bad = <T>(problem: string): Parsed<T> => ({ ok: false, problem });

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const MIN_SECRET_LENGTH = 8;

export const wholeNumber =
  (name: string, min: number, max: number) =>
  (text: string): Parsed<number> => {
    const t = text.trim();
    if (!/^\d+$/.test(t)) return bad(`${name} must be a whole number, got ${shown(text)}`);
    const n = Number(t);
    return n >= min && n <= max ? ok(n) : bad(`${name} must be between ${min} and ${max}, got ${t}`);
  };

export const BYTE_UNITS: Record<string, number> = {
  '': 1,
  k: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tib: 1024 ** 4,
};

/** A size: bytes, or a whole number with a binary unit (`512MiB`, `2G`, `1 GiB`; K, M, G, T = 1024, 1024², …). */
export const byteSize =
  (name: string, min: number, max: number) =>
  (text: string): Parsed<number> => {
    const m = /^(\d+)\s*([a-z]*)$/i.exec(text.trim());
    const unit = m ? BYTE_UNITS[m[2].toLowerCase()] : undefined;
    if (!m || unit === undefined)
      return bad(`${name} must be a size such as 1073741824, 512MiB or 2GiB, got ${shown(text)}`);
    const n = Number(m[1]) * unit;
    return n >= min && n <= max ? ok(n) : bad(`${name} must be between 1 KiB and 1 TiB, got ${shown(text)}`);
  };

export const nonBlank =
  (name: string) =>
  (text: string): Parsed<string> =>
    text.trim() ? ok(text.trim()) : bad(`${name} must not be blank`);

/**
 * A URL whose scheme `pattern` checks. With `parsed`, it must also be one WHATWG's URL parser reads
 * (as ioredis does with REDIS_URL: a port out of range would otherwise fail at start with Node's
 * bare "Invalid URL"). The value is repeated with its password replaced.
 */
export const urlWithScheme =
  (name: string, pattern: RegExp, expected: string, parsed = false) =>
  (text: string): Parsed<string> => {
    const t = text.trim();
    if (!pattern.test(t)) return bad(`${name} must be a ${expected} URL, got ${shown(text)}`);
    if (parsed && !URL.canParse(t))
      return bad(
        `${name} is not a valid URL (check the port, and percent-encode any of : / @ ? # in the password), got ${shown(text)}`,
      );
    return ok(t);
  };

export const logLevel = (text: string): Parsed<Config['logLevel']> => {
  const level = text.trim().toLowerCase();
  return (LOG_LEVELS as readonly string[]).includes(level)
    ? ok(level as Config['logLevel'])
    : bad(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got ${shown(text)}`);
};

export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;
export const logFormat = (text: string): Parsed<Config['logFormat']> => {
  const format = text.trim().toLowerCase();
  return (LOG_FORMATS as readonly string[]).includes(format)
    ? ok(format as Config['logFormat'])
    : bad(`LOG_FORMAT must be one of ${LOG_FORMATS.join(', ')}, got ${shown(text)}`);
};

/** `IDPROFILES_METRICS`: `on`, `off`, or a port number for a listener of its own. */
export const metrics = (text: string): Parsed<Config['metrics']> => {
  const t = text.trim().toLowerCase();
  if (t === 'on' || t === 'off') return ok(t);
  const port = wholeNumber('IDPROFILES_METRICS', 0, 65535)(t);
  return port.ok
    ? ok({ port: port.value })
    : bad(`IDPROFILES_METRICS must be 'on', 'off' or a port number, got ${shown(text)}`);
};

/**
 * A rate limit: `off`, `N` (per `defaultWindow` seconds) or `N/S` (N requests per S seconds), N and S ≥ 1.
 * `IDPROFILES_RATE_LIMIT`: ISC's is 100 per 10 s.
 */
export const rateLimit =
  (name: string, defaultWindow: number) =>
  (text: string): Parsed<Config['rateLimit']> => {
    const t = text.trim();
    if (t.toLowerCase() === 'off') return ok('off');
    const m = /^(\d+)(?:\/(\d+))?$/.exec(t);
    if (!m) return bad(`${name} must be 'off', 'N' or 'N/SECONDS', got ${shown(text)}`);
    const max = Number(m[1]);
    const windowSeconds = m[2] === undefined ? defaultWindow : Number(m[2]);
    if (max < 1 || windowSeconds < 1)
      return bad(`${name} needs at least 1 request per at least 1 second, got ${shown(text)} (use 'off' to disable)`);
    return ok({ max, windowSeconds });
  };

/** `IDPROFILES_PUBLIC_URL`: an http(s) URL without query or fragment (a path prefix is fine); kept without a trailing slash. */
export const publicUrl = (text: string): Parsed<string> => {
  const t = text.trim();
  let url: URL;
  try {
    url = new URL(t);
  } catch {
    return bad(`IDPROFILES_PUBLIC_URL must be an http:// or https:// URL, got ${shown(text)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return bad(`IDPROFILES_PUBLIC_URL must be an http:// or https:// URL, got ${shown(text)}`);
  if (url.search || url.hash || url.username || url.password)
    return bad(
      'IDPROFILES_PUBLIC_URL must have no query, fragment or credentials (the value is not repeated here: it may hold one)',
    );
  return ok(`${url.origin}${url.pathname}`.replace(/\/+$/, ''));
};

/** `IDPROFILES_PROCESSING_SCHEDULE`: `off` or a five-field cron expression (spaces collapsed). */
export const processingSchedule = (text: string): Parsed<Config['processingSchedule']> => {
  const t = text.trim().replace(/\s+/g, ' ');
  if (t.toLowerCase() === 'off') return ok('off');
  return new RegExp(CRON_PATTERN).test(t)
    ? ok(t)
    : bad(
        `IDPROFILES_PROCESSING_SCHEDULE must be 'off' or a cron expression of five fields (minute hour day month weekday), e.g. '0 8,20 * * *', got ${shown(text)}`,
      );
};

/** `IDPROFILES_PROCESSING_TIME_ZONE`: a time zone Node knows (IANA name, e.g. Europe/Paris, or UTC). */
export const timeZone = (text: string): Parsed<string> => {
  const t = text.trim();
  try {
    return ok(new Intl.DateTimeFormat('en-US', { timeZone: t }).resolvedOptions().timeZone);
  } catch {
    return bad(
      `IDPROFILES_PROCESSING_TIME_ZONE must be an IANA time zone such as UTC or Europe/Paris, got ${shown(text)}`,
    );
  }
};
