import { describe, expect, it } from 'vitest';
import { ConfigError, flagsToEnv, loadConfig } from './config.js';

/** The ConfigError message for `env`, or a failure if it loads. */
function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    const [head, ...lines] = (e as Error).message.split('\n');
    expect(head).toBe('Invalid configuration:');
    return lines.map((l) => l.replace(/^ {2}- /, ''));
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused`);
}

describe('loadConfig', () => {
  it('has ISC-like defaults when nothing is set', () => {
    expect(loadConfig({})).toEqual({
      port: 8080,
      host: '0.0.0.0',
      databaseUrl: undefined,
      dataDir: './.idprofiles',
      clientId: undefined,
      clientSecret: undefined,
      rateLimit: { max: 100, windowSeconds: 10 },
      tokenRateLimit: { max: 100, windowSeconds: 60 },
      publicUrl: undefined,
      redisUrl: undefined,
      logLevel: 'info',
      logFormat: 'auto',
      tokenTtlSeconds: 749,
      jobExpireSeconds: 120,
      chunkSize: 2500,
      chunkConcurrency: 3,
      uploadLimitBytes: 1024 ** 3,
      dbPoolSize: 10,
      dbReservedConnections: 2,
      dbConnectTimeoutMs: 5000,
      taskStaleSeconds: 60,
      metrics: 'on',
      processingSchedule: '0 8,20 * * *',
      processingTimeZone: 'UTC',
    });
  });

  it('reads the processing schedule: a cron expression or off, in an IANA time zone', () => {
    expect(
      loadConfig({
        IDPROFILES_PROCESSING_SCHEDULE: ' 30  6 * * 1-5 ',
        IDPROFILES_PROCESSING_TIME_ZONE: 'Europe/Paris',
      }),
    ).toMatchObject({ processingSchedule: '30 6 * * 1-5', processingTimeZone: 'Europe/Paris' });
    expect(loadConfig({ IDPROFILES_PROCESSING_SCHEDULE: 'OFF' }).processingSchedule).toBe('off');
    expect(flagsToEnv(['--processing-schedule', 'off', '--processing-time-zone=America/Chicago'])).toEqual({
      IDPROFILES_PROCESSING_SCHEDULE: 'off',
      IDPROFILES_PROCESSING_TIME_ZONE: 'America/Chicago',
    });
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', HOST: '', LOG_LEVEL: '', IDPROFILES_RATE_LIMIT: '', DATABASE_URL: '' })).toEqual(
      loadConfig({}),
    );
  });

  it('reads every setting', () => {
    const config = loadConfig({
      PORT: '9000',
      HOST: '127.0.0.1',
      DATABASE_URL: 'postgresql://u:p@db:5432/idp',
      IDPROFILES_DATA_DIR: '/var/lib/idp',
      IDPROFILES_CLIENT_ID: 'admin',
      IDPROFILES_CLIENT_SECRET: 's3cret-s3cret',
      IDPROFILES_RATE_LIMIT: '50/5',
      REDIS_URL: 'rediss://cache:6380',
      LOG_LEVEL: 'debug',
      IDPROFILES_TOKEN_TTL: '3600',
      IDPROFILES_JOB_EXPIRE_SECONDS: '30',
      IDPROFILES_CHUNK_SIZE: '500',
      IDPROFILES_CHUNK_CONCURRENCY: '8',
      IDPROFILES_TOKEN_RATE_LIMIT: '20/30',
      IDPROFILES_PUBLIC_URL: 'https://idp.example.com/',
      IDPROFILES_UPLOAD_LIMIT: '512MiB',
      IDPROFILES_DB_POOL_SIZE: '20',
      IDPROFILES_DB_RESERVED_CONNECTIONS: '4',
      IDPROFILES_DB_CONNECT_TIMEOUT_MS: '1500',
      IDPROFILES_TASK_STALE_SECONDS: '20',
      LOG_FORMAT: 'JSON',
      IDPROFILES_METRICS: '9464',
      IDPROFILES_PROCESSING_SCHEDULE: '*/15 * * * *',
      IDPROFILES_PROCESSING_TIME_ZONE: 'Asia/Tokyo',
    });
    expect(config).toEqual({
      port: 9000,
      host: '127.0.0.1',
      databaseUrl: 'postgresql://u:p@db:5432/idp',
      dataDir: '/var/lib/idp',
      clientId: 'admin',
      clientSecret: 's3cret-s3cret',
      rateLimit: { max: 50, windowSeconds: 5 },
      redisUrl: 'rediss://cache:6380',
      logLevel: 'debug',
      tokenTtlSeconds: 3600,
      jobExpireSeconds: 30,
      chunkSize: 500,
      chunkConcurrency: 8,
      tokenRateLimit: { max: 20, windowSeconds: 30 },
      publicUrl: 'https://idp.example.com',
      uploadLimitBytes: 512 * 1024 ** 2,
      dbPoolSize: 20,
      dbReservedConnections: 4,
      dbConnectTimeoutMs: 1500,
      taskStaleSeconds: 20,
      logFormat: 'json',
      metrics: { port: 9464 },
      processingSchedule: '*/15 * * * *',
      processingTimeZone: 'Asia/Tokyo',
    });
  });

  it.each([
    ['off', 'off'],
    ['OFF', 'off'],
    [' off ', 'off'],
    ['100', { max: 100, windowSeconds: 10 }],
    [' 5/2 ', { max: 5, windowSeconds: 2 }],
  ])('IDPROFILES_RATE_LIMIT=%j is %j', (text, expected) => {
    expect(loadConfig({ IDPROFILES_RATE_LIMIT: text }).rateLimit).toEqual(expected);
  });

  it.each([
    ['off', 'off'],
    ['20', { max: 20, windowSeconds: 60 }],
    ['5/1', { max: 5, windowSeconds: 1 }],
  ])('IDPROFILES_TOKEN_RATE_LIMIT=%j is %j (N alone is per minute)', (text, expected) => {
    expect(loadConfig({ IDPROFILES_TOKEN_RATE_LIMIT: text }).tokenRateLimit).toEqual(expected);
  });

  it.each([
    ['https://idp.example.com', 'https://idp.example.com'],
    ['http://10.0.0.5:8080/', 'http://10.0.0.5:8080'],
    ['https://gw.example.com/idp//', 'https://gw.example.com/idp'],
    ['HTTPS://IDP.Example.COM:443', 'https://idp.example.com'],
  ])('IDPROFILES_PUBLIC_URL=%j is %j', (text, expected) => {
    expect(loadConfig({ IDPROFILES_PUBLIC_URL: text }).publicUrl).toBe(expected);
  });

  it('accepts boundary values and upper-case log levels', () => {
    expect(loadConfig({ PORT: '0' }).port).toBe(0);
    expect(loadConfig({ PORT: '65535' }).port).toBe(65535);
    expect(loadConfig({ PORT: ' 80 ' }).port).toBe(80);
    expect(loadConfig({ IDPROFILES_TOKEN_TTL: '60' }).tokenTtlSeconds).toBe(60);
    expect(loadConfig({ IDPROFILES_TOKEN_TTL: '86400' }).tokenTtlSeconds).toBe(86_400);
    expect(loadConfig({ LOG_LEVEL: 'WARN' }).logLevel).toBe('warn');
    expect(loadConfig({ DATABASE_URL: 'postgres://localhost/x' }).databaseUrl).toBe('postgres://localhost/x');
    expect(loadConfig({ IDPROFILES_UPLOAD_LIMIT: '1024' }).uploadLimitBytes).toBe(1024);
    expect(loadConfig({ IDPROFILES_UPLOAD_LIMIT: ' 2 g ' }).uploadLimitBytes).toBe(2 * 1024 ** 3);
    expect(loadConfig({ IDPROFILES_UPLOAD_LIMIT: '64KiB' }).uploadLimitBytes).toBe(64 * 1024);
    expect(loadConfig({ IDPROFILES_UPLOAD_LIMIT: '1TiB' }).uploadLimitBytes).toBe(1024 ** 4);
  });

  it.each([
    [{ PORT: 'abc' }, "PORT must be a whole number, got 'abc'"],
    [{ PORT: '-1' }, "PORT must be a whole number, got '-1'"],
    [{ PORT: '80.5' }, "PORT must be a whole number, got '80.5'"],
    [{ PORT: '70000' }, 'PORT must be between 0 and 65535, got 70000'],
    [{ PORT: '99999999999999999999999' }, 'PORT must be between 0 and 65535, got 99999999999999999999999'],
    [{ HOST: '   ' }, 'HOST must not be blank'],
    [{ IDPROFILES_DATA_DIR: ' ' }, 'IDPROFILES_DATA_DIR must not be blank'],
    [{ DATABASE_URL: 'mysql://db/x' }, "DATABASE_URL must be a postgres:// or postgresql:// URL, got 'mysql://db/x'"],
    [{ DATABASE_URL: 'postgres://' }, "DATABASE_URL must be a postgres:// or postgresql:// URL, got 'postgres://'"],
    [{ REDIS_URL: 'http://cache' }, "REDIS_URL must be a redis:// or rediss:// URL, got 'http://cache'"],
    [
      { LOG_LEVEL: 'verbose' },
      "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got 'verbose'",
    ],
    [{ LOG_FORMAT: 'text' }, "LOG_FORMAT must be one of auto, json, pretty, got 'text'"],
    [{ IDPROFILES_METRICS: 'yes' }, "IDPROFILES_METRICS must be 'on', 'off' or a port number, got 'yes'"],
    [
      { IDPROFILES_PROCESSING_SCHEDULE: '8:00,20:00' },
      "IDPROFILES_PROCESSING_SCHEDULE must be 'off' or a cron expression of five fields (minute hour day month weekday), e.g. '0 8,20 * * *', got '8:00,20:00'",
    ],
    [
      { IDPROFILES_PROCESSING_SCHEDULE: '0 8 * *' },
      "IDPROFILES_PROCESSING_SCHEDULE must be 'off' or a cron expression of five fields (minute hour day month weekday), e.g. '0 8,20 * * *', got '0 8 * *'",
    ],
    [
      { IDPROFILES_PROCESSING_TIME_ZONE: 'Mars/Olympus' },
      "IDPROFILES_PROCESSING_TIME_ZONE must be an IANA time zone such as UTC or Europe/Paris, got 'Mars/Olympus'",
    ],
    [{ IDPROFILES_METRICS: '70000' }, "IDPROFILES_METRICS must be 'on', 'off' or a port number, got '70000'"],
    [
      { IDPROFILES_METRICS: '8080' },
      "IDPROFILES_METRICS names the API's own port (8080): use 'on' to serve /metrics there, or another port",
    ],
    [{ IDPROFILES_RATE_LIMIT: 'fast' }, "IDPROFILES_RATE_LIMIT must be 'off', 'N' or 'N/SECONDS', got 'fast'"],
    [{ IDPROFILES_RATE_LIMIT: '10/' }, "IDPROFILES_RATE_LIMIT must be 'off', 'N' or 'N/SECONDS', got '10/'"],
    [
      { IDPROFILES_RATE_LIMIT: '0' },
      "IDPROFILES_RATE_LIMIT needs at least 1 request per at least 1 second, got '0' (use 'off' to disable)",
    ],
    [
      { IDPROFILES_RATE_LIMIT: '5/0' },
      "IDPROFILES_RATE_LIMIT needs at least 1 request per at least 1 second, got '5/0' (use 'off' to disable)",
    ],
    [
      { IDPROFILES_TOKEN_RATE_LIMIT: 'lots' },
      "IDPROFILES_TOKEN_RATE_LIMIT must be 'off', 'N' or 'N/SECONDS', got 'lots'",
    ],
    [
      { IDPROFILES_TOKEN_RATE_LIMIT: '0/60' },
      "IDPROFILES_TOKEN_RATE_LIMIT needs at least 1 request per at least 1 second, got '0/60' (use 'off' to disable)",
    ],
    [
      { IDPROFILES_PUBLIC_URL: 'idp.example.com' },
      "IDPROFILES_PUBLIC_URL must be an http:// or https:// URL, got 'idp.example.com'",
    ],
    [
      { IDPROFILES_PUBLIC_URL: 'ftp://idp.example.com' },
      "IDPROFILES_PUBLIC_URL must be an http:// or https:// URL, got 'ftp://idp.example.com'",
    ],
    [
      { IDPROFILES_PUBLIC_URL: 'https://idp.example.com/?x=1' },
      'IDPROFILES_PUBLIC_URL must have no query, fragment or credentials (the value is not repeated here: it may hold one)',
    ],
    [
      { IDPROFILES_PUBLIC_URL: 'https://u:p@idp.example.com' },
      'IDPROFILES_PUBLIC_URL must have no query, fragment or credentials (the value is not repeated here: it may hold one)',
    ],
    [{ IDPROFILES_TOKEN_TTL: '30' }, 'IDPROFILES_TOKEN_TTL must be between 60 and 86400, got 30'],
    [{ IDPROFILES_TOKEN_TTL: '1h' }, "IDPROFILES_TOKEN_TTL must be a whole number, got '1h'"],
    [
      { IDPROFILES_UPLOAD_LIMIT: '1.5GiB' },
      "IDPROFILES_UPLOAD_LIMIT must be a size such as 1073741824, 512MiB or 2GiB, got '1.5GiB'",
    ],
    [
      { IDPROFILES_UPLOAD_LIMIT: '10 parsecs' },
      "IDPROFILES_UPLOAD_LIMIT must be a size such as 1073741824, 512MiB or 2GiB, got '10 parsecs'",
    ],
    [{ IDPROFILES_UPLOAD_LIMIT: '1000' }, "IDPROFILES_UPLOAD_LIMIT must be between 1 KiB and 1 TiB, got '1000'"],
    [{ IDPROFILES_UPLOAD_LIMIT: '2TiB' }, "IDPROFILES_UPLOAD_LIMIT must be between 1 KiB and 1 TiB, got '2TiB'"],
    [{ IDPROFILES_CLIENT_ID: 'admin' }, 'IDPROFILES_CLIENT_ID and IDPROFILES_CLIENT_SECRET must be set together'],
    [
      { IDPROFILES_CLIENT_SECRET: 'long-enough' },
      'IDPROFILES_CLIENT_ID and IDPROFILES_CLIENT_SECRET must be set together',
    ],
    [
      { IDPROFILES_CLIENT_ID: 'admin', IDPROFILES_CLIENT_SECRET: 'short' },
      'IDPROFILES_CLIENT_SECRET must be at least 8 characters long',
    ],
  ])('refuses %j: %s', (env, message) => {
    expect(problemsOf(env)).toEqual([message]);
  });

  it('reports every bad value at once, parse errors and range errors alike', () => {
    const problems = problemsOf({
      PORT: 'abc',
      LOG_LEVEL: 'verbose',
      IDPROFILES_TOKEN_TTL: '30',
      IDPROFILES_RATE_LIMIT: 'fast',
      DATABASE_URL: 'mysql://x',
      REDIS_URL: 'http://x',
      HOST: ' ',
      IDPROFILES_CLIENT_ID: 'a',
    });
    expect(problems).toHaveLength(8);
    for (const name of [
      'PORT',
      'LOG_LEVEL',
      'IDPROFILES_TOKEN_TTL',
      'IDPROFILES_RATE_LIMIT',
      'DATABASE_URL',
      'REDIS_URL',
      'HOST',
      'IDPROFILES_CLIENT_ID',
    ]) {
      expect(
        problems.some((p) => p.startsWith(name)),
        `${name} in ${problems.join(' | ')}`,
      ).toBe(true);
    }
  });

  it.each([
    [
      { REDIS_URL: 'http://:s3cret-redis@cache:6379' },
      "REDIS_URL must be a redis:// or rediss:// URL, got 'http://:[redacted]@cache:6379'",
    ],
    [
      { REDIS_URL: 'redis://:s3cret-redis@cache:99999' },
      "REDIS_URL is not a valid URL (check the port, and percent-encode any of : / @ ? # in the password), got 'redis://:[redacted]@cache:99999'",
    ],
    [
      { REDIS_URL: 'redis://default:s3cret/with@slash@cache:6379' },
      "REDIS_URL is not a valid URL (check the port, and percent-encode any of : / @ ? # in the password), got 'redis://default:[redacted]@cache:6379'",
    ],
    [
      { DATABASE_URL: 'postgres://u:s3cret-db@db/idp x' },
      "DATABASE_URL must be a postgres:// or postgresql:// URL, got 'postgres://u:[redacted]@db/idp x'",
    ],
    [
      { DATABASE_URL: 'postgres://u:s3cret db@db/idp' },
      "DATABASE_URL must be a postgres:// or postgresql:// URL, got 'postgres://u:[redacted]@db/idp'",
    ],
    [
      { DATABASE_URL: 'mysql://u:s3cret-db@db/idp' },
      "DATABASE_URL must be a postgres:// or postgresql:// URL, got 'mysql://u:[redacted]@db/idp'",
    ],
    [
      { DATABASE_URL: 'postgres://db/idp?user=u&password=s3cret-db x' },
      "DATABASE_URL must be a postgres:// or postgresql:// URL, got 'postgres://db/idp?user=u&password=[redacted] x'",
    ],
    [
      { DATABASE_URL: 'u:s3cret-db@db/idp' },
      "DATABASE_URL must be a postgres:// or postgresql:// URL, got 'u:[redacted]@db/idp'",
    ],
  ])('never repeats a password: %j', (env, message) => {
    const problems = problemsOf(env);
    expect(problems).toEqual([message]);
    expect(problems.join('\n')).not.toMatch(/s3cret/);
  });

  it('accepts a REDIS_URL ioredis reads, password and all', () => {
    expect(loadConfig({ REDIS_URL: 'redis://default:p%40ss@cache:6379/2' }).redisUrl).toBe(
      'redis://default:p%40ss@cache:6379/2',
    );
    expect(loadConfig({ REDIS_URL: 'rediss://:secret@[::1]:6380' }).redisUrl).toBe('rediss://:secret@[::1]:6380');
  });

  it('ignores unrelated variables', () => {
    expect(loadConfig({ PATH: '/bin', HOME: '/root', NODE_ENV: 'test' })).toEqual(loadConfig({}));
  });
});

describe('flagsToEnv', () => {
  it('maps each flag to its variable, in both spellings', () => {
    expect(
      flagsToEnv([
        '--port',
        '9000',
        '--host=127.0.0.1',
        '--database-url',
        'postgres://db/x',
        '--data-dir=/d',
        '--client-id',
        'id',
        '--client-secret=secret=with=equals',
        '--rate-limit',
        'off',
        '--redis-url',
        'redis://r',
        '--log-level',
        'debug',
        '--token-ttl=600',
        '--token-rate-limit',
        '10/60',
        '--public-url=https://idp.example.com',
      ]),
    ).toEqual({
      PORT: '9000',
      HOST: '127.0.0.1',
      DATABASE_URL: 'postgres://db/x',
      IDPROFILES_DATA_DIR: '/d',
      IDPROFILES_CLIENT_ID: 'id',
      IDPROFILES_CLIENT_SECRET: 'secret=with=equals',
      IDPROFILES_RATE_LIMIT: 'off',
      REDIS_URL: 'redis://r',
      LOG_LEVEL: 'debug',
      IDPROFILES_TOKEN_TTL: '600',
      IDPROFILES_TOKEN_RATE_LIMIT: '10/60',
      IDPROFILES_PUBLIC_URL: 'https://idp.example.com',
    });
  });

  it('is empty without arguments, and the last of a repeated flag wins', () => {
    expect(flagsToEnv([])).toEqual({});
    expect(flagsToEnv(['--port', '1', '--port=2'])).toEqual({ PORT: '2' });
  });

  it('wins over the environment when merged as the CLI does', () => {
    expect(loadConfig({ PORT: '1000', ...flagsToEnv(['--port', '2000']) }).port).toBe(2000);
  });

  it.each([
    [['serve'], "Unexpected argument 'serve'; options look like --port 9000 or --port=9000"],
    [['-p', '80'], "Unexpected argument '-p'; options look like --port 9000 or --port=9000"],
    [
      ['--nope', '1'],
      'Unknown option --nope; known: --port, --host, --database-url, --data-dir, --client-id, --client-secret, --rate-limit, --token-rate-limit, --public-url, --redis-url, --log-level, --log-format, --token-ttl, --job-expire-seconds, --chunk-size, --chunk-concurrency, --upload-limit, --db-pool-size, --db-reserved-connections, --db-connect-timeout-ms, --task-stale-seconds, --metrics, --processing-schedule, --processing-time-zone',
    ],
    [['--port'], 'Option --port needs a value'],
    [['--port='], 'Option --port needs a value'],
    [['--port', '--host', 'x'], 'Option --port needs a value'],
  ])('refuses %j: %s', (args, message) => {
    expect(() => flagsToEnv(args)).toThrow(new ConfigError(message));
  });

  it('never repeats a password given as a stray argument', () => {
    expect(() => flagsToEnv(['serve', 'postgres://u:s3cret-db@db/idp'])).toThrow(
      new ConfigError("Unexpected argument 'serve'; options look like --port 9000 or --port=9000"),
    );
    expect(() => flagsToEnv(['postgres://u:s3cret-db@db/idp'])).toThrow(
      "Unexpected argument 'postgres://u:[redacted]@db/idp'",
    );
    expect(() => flagsToEnv(['--database-url', 'postgres://u:s3cret-db@db/idp', '--password=s3cret'])).toThrow(
      /^Unknown option --password;/,
    );
  });

  it('passes bad values through for loadConfig to report with the variable name', () => {
    expect(problemsOf(flagsToEnv(['--port', 'eighty']))).toEqual(["PORT must be a whole number, got 'eighty'"]);
  });
});
