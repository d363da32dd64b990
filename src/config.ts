import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { redactCredentials } from './logger.js';
import {
  CRON_PATTERN,
  ok,
  MIN_SECRET_LENGTH,
  wholeNumber,
  byteSize,
  nonBlank,
  urlWithScheme,
  logLevel,
  logFormat,
  metrics,
  rateLimit,
  publicUrl,
  processingSchedule,
  timeZone,
  type Env,
  type Parsed,
} from './config-values.js';

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

/** The largest account file a load accepts unless IDPROFILES_UPLOAD_LIMIT says otherwise (~7 million accounts of 150 bytes). */
export const DEFAULT_UPLOAD_LIMIT_BYTES = 2 ** 30;

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
