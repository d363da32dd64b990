import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { redactCredentials, redactUrl } from './logger.js';

/** Five cron fields (minute hour day month weekday) of digits, `*`, `,`, `-` and `/`; pg-boss's parser checks the rest at start. */
const CRON_PATTERN = '^[0-9*,/-]+( [0-9*,/-]+){4}$';
/** ISC's scheduled processing: "every day at 8:00 AM and 8:00 PM in the tenant's timezone". */
export const DEFAULT_PROCESSING_SCHEDULE = '0 8,20 * * *';

/**
 * Settings, read once at start from the environment (and matching CLI flags, which win).
 * Nothing else in the program reads `process.env`.
 */
export const ConfigSchema = Type.Object({
  port: Type.Integer({ minimum: 0, maximum: 65535, description: 'PORT: TCP port to listen on (default 8080)' }),
  host: Type.String({ minLength: 1, description: 'HOST: interface to bind (default 0.0.0.0)' }),
  databaseUrl: Type.Optional(
    Type.String({
      pattern: '^postgres(ql)?://',
      description: 'DATABASE_URL: PostgreSQL URL; absent means embedded PGlite',
    }),
  ),
  dataDir: Type.String({
    minLength: 1,
    description: 'IDPROFILES_DATA_DIR: PGlite data folder (default ./.idprofiles)',
  }),
  clientId: Type.Optional(Type.String({ minLength: 1 })),
  clientSecret: Type.Optional(Type.String({ minLength: 8 })),
  rateLimit: Type.Union([
    Type.Literal('off'),
    Type.Object({ max: Type.Integer({ minimum: 1 }), windowSeconds: Type.Integer({ minimum: 1 }) }),
  ]),
  tokenRateLimit: Type.Union(
    [
      Type.Literal('off'),
      Type.Object({ max: Type.Integer({ minimum: 1 }), windowSeconds: Type.Integer({ minimum: 1 }) }),
    ],
    { description: 'IDPROFILES_TOKEN_RATE_LIMIT: token requests per client address per window (default 100/60)' },
  ),
  publicUrl: Type.Optional(
    Type.String({
      pattern: '^https?://',
      description: 'IDPROFILES_PUBLIC_URL: the URL clients reach this server at, for /oauth/info',
    }),
  ),
  redisUrl: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  logLevel: Type.Union([
    Type.Literal('fatal'),
    Type.Literal('error'),
    Type.Literal('warn'),
    Type.Literal('info'),
    Type.Literal('debug'),
    Type.Literal('trace'),
    Type.Literal('silent'),
  ]),
  logFormat: Type.Union([Type.Literal('auto'), Type.Literal('json'), Type.Literal('pretty')], {
    description: 'LOG_FORMAT: auto (pretty on a terminal, JSON otherwise; default), json or pretty',
  }),
  tokenTtlSeconds: Type.Integer({ minimum: 60, maximum: 86_400 }),
  jobExpireSeconds: Type.Integer({
    minimum: 2,
    maximum: 86_400,
    description: "IDPROFILES_JOB_EXPIRE_SECONDS: a dead worker's job is retried after this long (default 120)",
  }),
  chunkSize: Type.Integer({
    minimum: 10,
    maximum: 100_000,
    description: 'IDPROFILES_CHUNK_SIZE: identities per processing chunk (default 2500)',
  }),
  chunkConcurrency: Type.Integer({
    minimum: 1,
    maximum: 64,
    description:
      'IDPROFILES_CHUNK_CONCURRENCY: processing chunks one process works on at once, on PostgreSQL (default 3)',
  }),
  uploadLimitBytes: Type.Integer({
    minimum: 1024,
    maximum: 2 ** 40,
    description: 'IDPROFILES_UPLOAD_LIMIT: largest account file a load accepts (default 1 GiB)',
  }),
  dbPoolSize: Type.Integer({
    minimum: 1,
    maximum: 1000,
    description: 'IDPROFILES_DB_POOL_SIZE: PostgreSQL connections per process (default 10)',
  }),
  dbReservedConnections: Type.Integer({
    minimum: 0,
    maximum: 999,
    description: 'IDPROFILES_DB_RESERVED_CONNECTIONS: of those, how many lists and jobs never take (default 2)',
  }),
  dbConnectTimeoutMs: Type.Integer({
    minimum: 100,
    maximum: 600_000,
    description:
      'IDPROFILES_DB_CONNECT_TIMEOUT_MS: longest wait to connect to PostgreSQL or for a pooled connection; then 503 (default 5000)',
  }),
  taskStaleSeconds: Type.Integer({
    minimum: 2,
    maximum: 86_400,
    description:
      'IDPROFILES_TASK_STALE_SECONDS: a running task with nothing behind it for this long is failed (default 60)',
  }),
  metrics: Type.Union(
    [Type.Literal('off'), Type.Literal('on'), Type.Object({ port: Type.Integer({ minimum: 0, maximum: 65535 }) })],
    {
      description: 'IDPROFILES_METRICS: Prometheus /metrics on the API port (on, default), off, or a port of its own',
    },
  ),
  processingSchedule: Type.Union([Type.Literal('off'), Type.String({ pattern: CRON_PATTERN })], {
    description:
      "IDPROFILES_PROCESSING_SCHEDULE: when profiles with time-based mappings or needing a refresh are processed: a cron expression (default 0 8,20 * * *, ISC's 8:00 and 20:00) or off",
  }),
  processingTimeZone: Type.String({
    minLength: 1,
    description: 'IDPROFILES_PROCESSING_TIME_ZONE: the IANA time zone of that schedule (default UTC)',
  }),
});
export type Config = Static<typeof ConfigSchema>;

const checkConfig = Compile(ConfigSchema);

/**
 * What is wrong with the settings. Its message never repeats a credential: values are shown with
 * `shown` (a URL's password replaced), and the whole message passes `redactCredentials` (an
 * argument that is a URL, a `password=` parameter) — it is printed on the console and often kept
 * in a supervisor's log.
 */
export class ConfigError extends Error {
  constructor(message: string) {
    super(redactCredentials(message));
  }
}

/** A value as a configuration error repeats it: quoted, with any URL password or credential parameter replaced by `[redacted]`. */
const shown = (text: string) => `'${redactUrl(text)}'`;

type Env = Record<string, string | undefined>;
/** A parsed value, or what is wrong with the text (naming the variable and the value). */
type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };
const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = <T>(problem: string): Parsed<T> => ({ ok: false, problem });

/** The largest account file a load accepts unless IDPROFILES_UPLOAD_LIMIT says otherwise (~7 million accounts of 150 bytes). */
export const DEFAULT_UPLOAD_LIMIT_BYTES = 2 ** 30;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const MIN_SECRET_LENGTH = 8;

const wholeNumber =
  (name: string, min: number, max: number) =>
  (text: string): Parsed<number> => {
    const t = text.trim();
    if (!/^\d+$/.test(t)) return bad(`${name} must be a whole number, got ${shown(text)}`);
    const n = Number(t);
    return n >= min && n <= max ? ok(n) : bad(`${name} must be between ${min} and ${max}, got ${t}`);
  };

const BYTE_UNITS: Record<string, number> = {
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
const byteSize =
  (name: string, min: number, max: number) =>
  (text: string): Parsed<number> => {
    const m = /^(\d+)\s*([a-z]*)$/i.exec(text.trim());
    const unit = m ? BYTE_UNITS[m[2].toLowerCase()] : undefined;
    if (!m || unit === undefined)
      return bad(`${name} must be a size such as 1073741824, 512MiB or 2GiB, got ${shown(text)}`);
    const n = Number(m[1]) * unit;
    return n >= min && n <= max ? ok(n) : bad(`${name} must be between 1 KiB and 1 TiB, got ${shown(text)}`);
  };

const nonBlank =
  (name: string) =>
  (text: string): Parsed<string> =>
    text.trim() ? ok(text.trim()) : bad(`${name} must not be blank`);

/**
 * A URL whose scheme `pattern` checks. With `parsed`, it must also be one WHATWG's URL parser reads
 * (as ioredis does with REDIS_URL: a port out of range would otherwise fail at start with Node's
 * bare "Invalid URL"). The value is repeated with its password replaced.
 */
const urlWithScheme =
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

const logLevel = (text: string): Parsed<Config['logLevel']> => {
  const level = text.trim().toLowerCase();
  return (LOG_LEVELS as readonly string[]).includes(level)
    ? ok(level as Config['logLevel'])
    : bad(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got ${shown(text)}`);
};

const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;
const logFormat = (text: string): Parsed<Config['logFormat']> => {
  const format = text.trim().toLowerCase();
  return (LOG_FORMATS as readonly string[]).includes(format)
    ? ok(format as Config['logFormat'])
    : bad(`LOG_FORMAT must be one of ${LOG_FORMATS.join(', ')}, got ${shown(text)}`);
};

/** `IDPROFILES_METRICS`: `on`, `off`, or a port number for a listener of its own. */
const metrics = (text: string): Parsed<Config['metrics']> => {
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
const rateLimit =
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
const publicUrl = (text: string): Parsed<string> => {
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
const processingSchedule = (text: string): Parsed<Config['processingSchedule']> => {
  const t = text.trim().replace(/\s+/g, ' ');
  if (t.toLowerCase() === 'off') return ok('off');
  return new RegExp(CRON_PATTERN).test(t)
    ? ok(t)
    : bad(
        `IDPROFILES_PROCESSING_SCHEDULE must be 'off' or a cron expression of five fields (minute hour day month weekday), e.g. '0 8,20 * * *', got ${shown(text)}`,
      );
};

/** `IDPROFILES_PROCESSING_TIME_ZONE`: a time zone Node knows (IANA name, e.g. Europe/Paris, or UTC). */
const timeZone = (text: string): Parsed<string> => {
  const t = text.trim();
  try {
    return ok(new Intl.DateTimeFormat('en-US', { timeZone: t }).resolvedOptions().timeZone);
  } catch {
    return bad(
      `IDPROFILES_PROCESSING_TIME_ZONE must be an IANA time zone such as UTC or Europe/Paris, got ${shown(text)}`,
    );
  }
};

/** Reads one variable: unset or empty means the default; a bad value is recorded in `problems`. */
function reader(env: Env, problems: string[]) {
  return <T>(name: string, parse: (text: string) => Parsed<T>, fallback: T): T => {
    const text = env[name];
    if (text === undefined || text === '') return fallback;
    const parsed = parse(text);
    if (parsed.ok) return parsed.value;
    problems.push(parsed.problem);
    return fallback;
  };
}

function checkClientCredentials(config: Config, problems: string[]): void {
  if ((config.clientId === undefined) !== (config.clientSecret === undefined)) {
    problems.push('IDPROFILES_CLIENT_ID and IDPROFILES_CLIENT_SECRET must be set together');
  }
  if (config.clientSecret !== undefined && config.clientSecret.length < MIN_SECRET_LENGTH) {
    problems.push(`IDPROFILES_CLIENT_SECRET must be at least ${MIN_SECRET_LENGTH} characters long`);
  }
}

/**
 * Builds and validates the configuration; throws one ConfigError listing every bad value, each
 * naming its variable and what it got.
 *
 * @example loadConfig({ PORT: '9000', IDPROFILES_RATE_LIMIT: 'off' }) // { port: 9000, rateLimit: 'off', ... }
 */
export function loadConfig(env: Env): Config {
  const problems: string[] = [];
  const read = reader(env, problems);
  const config: Config = {
    port: read('PORT', wholeNumber('PORT', 0, 65535), 8080),
    host: read('HOST', nonBlank('HOST'), '0.0.0.0'),
    databaseUrl: read<string | undefined>(
      'DATABASE_URL',
      urlWithScheme('DATABASE_URL', /^postgres(ql)?:\/\/\S+$/, 'postgres:// or postgresql://'),
      undefined,
    ),
    dataDir: read('IDPROFILES_DATA_DIR', nonBlank('IDPROFILES_DATA_DIR'), './.idprofiles'),
    clientId: read<string | undefined>('IDPROFILES_CLIENT_ID', nonBlank('IDPROFILES_CLIENT_ID'), undefined),
    clientSecret: read<string | undefined>('IDPROFILES_CLIENT_SECRET', ok, undefined),
    rateLimit: read('IDPROFILES_RATE_LIMIT', rateLimit('IDPROFILES_RATE_LIMIT', 10), { max: 100, windowSeconds: 10 }),
    tokenRateLimit: read('IDPROFILES_TOKEN_RATE_LIMIT', rateLimit('IDPROFILES_TOKEN_RATE_LIMIT', 60), {
      max: 100,
      windowSeconds: 60,
    }),
    publicUrl: read<string | undefined>('IDPROFILES_PUBLIC_URL', publicUrl, undefined),
    redisUrl: read<string | undefined>(
      'REDIS_URL',
      urlWithScheme('REDIS_URL', /^rediss?:\/\/\S+$/, 'redis:// or rediss://', true),
      undefined,
    ),
    logLevel: read('LOG_LEVEL', logLevel, 'info'),
    logFormat: read('LOG_FORMAT', logFormat, 'auto'),
    tokenTtlSeconds: read('IDPROFILES_TOKEN_TTL', wholeNumber('IDPROFILES_TOKEN_TTL', 60, 86_400), 749),
    jobExpireSeconds: read(
      'IDPROFILES_JOB_EXPIRE_SECONDS',
      wholeNumber('IDPROFILES_JOB_EXPIRE_SECONDS', 2, 86_400),
      120,
    ),
    chunkSize: read('IDPROFILES_CHUNK_SIZE', wholeNumber('IDPROFILES_CHUNK_SIZE', 10, 100_000), 2500),
    chunkConcurrency: read('IDPROFILES_CHUNK_CONCURRENCY', wholeNumber('IDPROFILES_CHUNK_CONCURRENCY', 1, 64), 3),
    uploadLimitBytes: read(
      'IDPROFILES_UPLOAD_LIMIT',
      byteSize('IDPROFILES_UPLOAD_LIMIT', 1024, 2 ** 40),
      DEFAULT_UPLOAD_LIMIT_BYTES,
    ),
    dbPoolSize: read('IDPROFILES_DB_POOL_SIZE', wholeNumber('IDPROFILES_DB_POOL_SIZE', 1, 1000), 10),
    dbReservedConnections: read(
      'IDPROFILES_DB_RESERVED_CONNECTIONS',
      wholeNumber('IDPROFILES_DB_RESERVED_CONNECTIONS', 0, 999),
      2,
    ),
    dbConnectTimeoutMs: read(
      'IDPROFILES_DB_CONNECT_TIMEOUT_MS',
      wholeNumber('IDPROFILES_DB_CONNECT_TIMEOUT_MS', 100, 600_000),
      5000,
    ),
    taskStaleSeconds: read(
      'IDPROFILES_TASK_STALE_SECONDS',
      wholeNumber('IDPROFILES_TASK_STALE_SECONDS', 2, 86_400),
      60,
    ),
    metrics: read('IDPROFILES_METRICS', metrics, 'on'),
    processingSchedule: read('IDPROFILES_PROCESSING_SCHEDULE', processingSchedule, DEFAULT_PROCESSING_SCHEDULE),
    processingTimeZone: read('IDPROFILES_PROCESSING_TIME_ZONE', timeZone, 'UTC'),
  };
  checkClientCredentials(config, problems);
  if (typeof config.metrics === 'object' && config.metrics.port !== 0 && config.metrics.port === config.port) {
    problems.push(
      `IDPROFILES_METRICS names the API's own port (${config.port}): use 'on' to serve /metrics there, or another port`,
    );
  }
  if (problems.length) throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  // The parsers above are the rules; the schema is their summary. A mismatch is our bug, not the user's.
  // (named by field, without values: they include the database URL and the admin secret)
  if (!checkConfig.Check(stripUndefined(config))) {
    throw new Error(
      `config parsers and ConfigSchema disagree on: ${[...checkConfig.Errors(stripUndefined(config))].map((e) => e.instancePath || '/').join(', ')}`,
    );
  }
  return config;
}

const stripUndefined = (o: object) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** The settings flags of serve, worker and migrate, and the environment variable each stands for. */
export const SERVER_FLAGS: Readonly<Record<string, string>> = {
  port: 'PORT',
  host: 'HOST',
  'database-url': 'DATABASE_URL',
  'data-dir': 'IDPROFILES_DATA_DIR',
  'client-id': 'IDPROFILES_CLIENT_ID',
  'client-secret': 'IDPROFILES_CLIENT_SECRET',
  'rate-limit': 'IDPROFILES_RATE_LIMIT',
  'token-rate-limit': 'IDPROFILES_TOKEN_RATE_LIMIT',
  'public-url': 'IDPROFILES_PUBLIC_URL',
  'redis-url': 'REDIS_URL',
  'log-level': 'LOG_LEVEL',
  'log-format': 'LOG_FORMAT',
  'token-ttl': 'IDPROFILES_TOKEN_TTL',
  'job-expire-seconds': 'IDPROFILES_JOB_EXPIRE_SECONDS',
  'chunk-size': 'IDPROFILES_CHUNK_SIZE',
  'chunk-concurrency': 'IDPROFILES_CHUNK_CONCURRENCY',
  'upload-limit': 'IDPROFILES_UPLOAD_LIMIT',
  'db-pool-size': 'IDPROFILES_DB_POOL_SIZE',
  'db-reserved-connections': 'IDPROFILES_DB_RESERVED_CONNECTIONS',
  'db-connect-timeout-ms': 'IDPROFILES_DB_CONNECT_TIMEOUT_MS',
  'task-stale-seconds': 'IDPROFILES_TASK_STALE_SECONDS',
  metrics: 'IDPROFILES_METRICS',
  'processing-schedule': 'IDPROFILES_PROCESSING_SCHEDULE',
  'processing-time-zone': 'IDPROFILES_PROCESSING_TIME_ZONE',
};

/**
 * Turns `--port 9000` / `--port=9000` flags into the environment names they stand for.
 *
 * @example flagsToEnv(['--port', '9000', '--rate-limit=off']) // { PORT: '9000', IDPROFILES_RATE_LIMIT: 'off' }
 */
export function flagsToEnv(args: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(args[i]);
    if (!m) throw new ConfigError(`Unexpected argument '${args[i]}'; options look like --port 9000 or --port=9000`);
    const env = SERVER_FLAGS[m[1]];
    if (!env)
      throw new ConfigError(
        `Unknown option --${m[1]}; known: ${Object.keys(SERVER_FLAGS)
          .map((f) => `--${f}`)
          .join(', ')}`,
      );
    const value = m[2] ?? (args[i + 1]?.startsWith('--') ? undefined : args[++i]);
    if (value === undefined || value === '') throw new ConfigError(`Option --${m[1]} needs a value`);
    out[env] = value;
  }
  return out;
}
