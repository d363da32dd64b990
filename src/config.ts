import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';

/**
 * Settings, read once at start from the environment (and matching CLI flags, which win).
 * Nothing else in the program reads `process.env`.
 */
export const ConfigSchema = Type.Object({
  port: Type.Integer({ minimum: 0, maximum: 65535, description: 'PORT: TCP port to listen on (default 8080)' }),
  host: Type.String({ minLength: 1, description: 'HOST: interface to bind (default 0.0.0.0)' }),
  databaseUrl: Type.Optional(Type.String({ pattern: '^postgres(ql)?://', description: 'DATABASE_URL: PostgreSQL URL; absent means embedded PGlite' })),
  dataDir: Type.String({ minLength: 1, description: 'IDPROFILES_DATA_DIR: PGlite data folder (default ./.idprofiles)' }),
  clientId: Type.Optional(Type.String({ minLength: 1 })),
  clientSecret: Type.Optional(Type.String({ minLength: 8 })),
  rateLimit: Type.Union([
    Type.Literal('off'),
    Type.Object({ max: Type.Integer({ minimum: 1 }), windowSeconds: Type.Integer({ minimum: 1 }) }),
  ]),
  redisUrl: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  logLevel: Type.Union([Type.Literal('fatal'), Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'), Type.Literal('debug'), Type.Literal('trace'), Type.Literal('silent')]),
  tokenTtlSeconds: Type.Integer({ minimum: 60, maximum: 86_400 }),
});
export type Config = Static<typeof ConfigSchema>;

const checkConfig = Compile(ConfigSchema);

export class ConfigError extends Error {}

/** `IDPROFILES_RATE_LIMIT`: `off`, `N` (per 10 s) or `N/S` (N requests per S seconds). ISC's is 100 per 10 s. */
function parseRateLimit(text: string | undefined): Config['rateLimit'] | string {
  if (text === undefined || text === '') return { max: 100, windowSeconds: 10 };
  if (text.toLowerCase() === 'off') return 'off';
  const m = /^(\d+)(?:\/(\d+))?$/.exec(text.trim());
  if (!m) return `IDPROFILES_RATE_LIMIT must be 'off', 'N' or 'N/SECONDS', got '${text}'`;
  return { max: Number(m[1]), windowSeconds: m[2] ? Number(m[2]) : 10 };
}

function parseInteger(name: string, text: string | undefined, fallback: number): number | string {
  if (text === undefined || text === '') return fallback;
  return /^\d+$/.test(text.trim()) ? Number(text) : `${name} must be a whole number, got '${text}'`;
}

const FLAG_TO_ENV: Record<string, string> = {
  port: 'PORT', host: 'HOST', 'database-url': 'DATABASE_URL', 'data-dir': 'IDPROFILES_DATA_DIR',
  'client-id': 'IDPROFILES_CLIENT_ID', 'client-secret': 'IDPROFILES_CLIENT_SECRET',
  'rate-limit': 'IDPROFILES_RATE_LIMIT', 'redis-url': 'REDIS_URL', 'log-level': 'LOG_LEVEL',
};

/** Turns `--port 9000` / `--port=9000` flags into the environment names they stand for. */
export function flagsToEnv(args: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(args[i]);
    if (!m) throw new ConfigError(`Unexpected argument '${args[i]}'`);
    const env = FLAG_TO_ENV[m[1]];
    if (!env) throw new ConfigError(`Unknown option --${m[1]}; known: ${Object.keys(FLAG_TO_ENV).map((f) => `--${f}`).join(', ')}`);
    const value = m[2] ?? args[++i];
    if (value === undefined) throw new ConfigError(`Option --${m[1]} needs a value`);
    out[env] = value;
  }
  return out;
}

/** Builds and validates the configuration; throws ConfigError listing every bad value. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const problems: string[] = [];
  const pick = <T>(v: T | string, expectString = false): T => {
    if (typeof v === 'string' && !expectString) problems.push(v);
    return v as T;
  };
  const candidate = {
    port: pick<number>(parseInteger('PORT', env.PORT, 8080)),
    host: env.HOST || '0.0.0.0',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: env.IDPROFILES_DATA_DIR || './.idprofiles',
    clientId: env.IDPROFILES_CLIENT_ID || undefined,
    clientSecret: env.IDPROFILES_CLIENT_SECRET || undefined,
    rateLimit: parseRateLimit(env.IDPROFILES_RATE_LIMIT),
    redisUrl: env.REDIS_URL || undefined,
    logLevel: env.LOG_LEVEL || 'info',
    tokenTtlSeconds: pick<number>(parseInteger('IDPROFILES_TOKEN_TTL', env.IDPROFILES_TOKEN_TTL, 749)),
  };
  if (typeof candidate.rateLimit === 'string') problems.push(candidate.rateLimit);
  if ((candidate.clientId === undefined) !== (candidate.clientSecret === undefined)) {
    problems.push('IDPROFILES_CLIENT_ID and IDPROFILES_CLIENT_SECRET must be set together');
  }
  if (problems.length === 0 && !checkConfig.Check(candidate)) {
    for (const e of checkConfig.Errors(candidate)) problems.push(`${e.instancePath || '/'}: ${e.message}`);
  }
  if (problems.length) throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  return candidate as Config;
}
