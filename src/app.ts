import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifySchema,
  type FastifySchemaCompiler,
} from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import _Ajv from 'ajv';
import _addFormats from 'ajv-formats';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Logger } from 'pino';
import { DEFAULT_UPLOAD_LIMIT_BYTES, type Config } from './config.js';
import { isClientRevoked } from './domain/clients/service.js';
import { frameworkErrorHandler, installErrorHandling } from './http/error-handler.js';
import { installAuth, revocationCache } from './http/plugins/auth.js';
import { installBulkLane } from './http/plugins/bulk-lane.js';
import { installConsole } from './http/plugins/console.js';
import { installContentTypes } from './http/plugins/content-types.js';
import { installDocs } from './http/plugins/docs.js';
import { installMetrics } from './http/plugins/metrics.js';
import { installRateLimit, tokenRateLimit } from './http/plugins/rate-limit.js';
import { memoryStore, redisStore, type RateLimitStore } from './http/plugins/rate-limit-store.js';
import { createRouteIndex } from './http/route-index.js';
import { accountRoutes } from './http/routes/accounts.js';
import { databaseCheck, healthRoutes, type HealthCheck } from './http/routes/health.js';
import { identityRoutes } from './http/routes/identities.js';
import { identityLifecycleRoutes } from './http/routes/identity-lifecycle.js';
import { identityProfileRoutes } from './http/routes/identity-profiles.js';
import { lifecycleStateRoutes } from './http/routes/lifecycle-states.js';
import { oauthRoutes } from './http/routes/oauth.js';
import { sourceRoutes } from './http/routes/sources.js';
import { taskStatusRoutes } from './http/routes/task-status.js';
import { transformRoutes } from './http/routes/transforms.js';
import { SERVICE_LAYOUTS } from './http/layouts.js';
import { API_VERSIONS } from './http/versions.js';
import { createLogger } from './logger.js';
import type { Services } from './services.js';

export interface AppOptions {
  services: Services;
  /** Without `tokenRateLimit`, token requests are not limited per address (tests); `publicUrl`: see `oauthRoutes`. */
  config: Pick<Config, 'rateLimit' | 'logLevel'> &
    Partial<Pick<Config, 'redisUrl' | 'tokenRateLimit' | 'publicUrl' | 'uploadLimitBytes' | 'metrics'>>;
  /** The process's logger (`createLogger`), or `false` for none (tests); default: a new one at `config.logLevel`. */
  logger?: Logger | false;
}

// ajv and ajv-formats are CommonJS: under NodeNext the default import is the module, `.default` the export.
const Ajv = _Ajv.default;
const addFormats = _addFormats.default;

/**
 * JSON bodies are validated as sent (a wrong type is a 400, never silently coerced: `"abc"` is not a
 * one-element bulk-delete array, `5` is not the name "5"); query strings and path parameters are
 * text, so they are coerced (`?dryRun=true`).
 */
function requestValidatorCompiler(): FastifySchemaCompiler<FastifySchema> {
  const options = { useDefaults: false, removeAdditional: false, allErrors: false, addUsedSchema: false } as const;
  const strict = new Ajv({ ...options, coerceTypes: false });
  const coercing = new Ajv({ ...options, coerceTypes: 'array' });
  addFormats(strict);
  addFormats(coercing);
  return ({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema as object);
}

/** The compiler factory Fastify itself uses by default (fast-json-stringify), resolved from Fastify's own folder. */
type SerializerFactory = (
  externalSchemas: unknown,
  options: unknown,
) => (route: { schema: object }) => (data: unknown) => string;
const fastifyRequire = createRequire(createRequire(import.meta.url).resolve('fastify'));
const defaultSerializers = (
  fastifyRequire('@fastify/fast-json-stringify-compiler') as { SerializerSelector: () => SerializerFactory }
).SerializerSelector;

/**
 * Fastify's default response serializers (fast-json-stringify), compiled once per schema instead
 * of once per route and status: the six API versions share their schemas, so start-up compiles a
 * few dozen serializers instead of hundreds (faster to ready, less memory).
 */
function sharedSerializers(): SerializerFactory {
  // by the schema's text: the versions' routes build equal schemas as separate objects (84 compiles for 26 schemas)
  const compiled = new Map<string, (data: unknown) => string>();
  return (externalSchemas, options) => {
    const compile = defaultSerializers()(externalSchemas, options);
    const key = JSON.stringify([externalSchemas, options]);
    return (route) => {
      const text = `${key}${JSON.stringify(route.schema)}`;
      let serialize = compiled.get(text);
      if (!serialize) compiled.set(text, (serialize = compile(route)));
      return serialize;
    };
  };
}

/** Builds the HTTP application; no listening, no environment reads (tests inject into it). */
export async function buildApp({ services, config, logger }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(logger === false
      ? { logger: false }
      : { loggerInstance: (logger ?? createLogger(config.logLevel)) as FastifyBaseLogger }),
    genReqId: () => randomUUID().replace(/-/g, ''),
    // Fastify's two info lines per request cost more than a GET by id does (bench/api); ours below is one, at debug.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 5 * 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 200 },
    frameworkErrors: frameworkErrorHandler,
    schemaController: { compilersFactory: { buildSerializer: sharedSerializers() as any } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(requestValidatorCompiler());
  installRequestLog(app);
  installBulkLane(app, services.database);
  // recorded unless off; served here when 'on' (a port of its own: main.ts)
  if (config.metrics !== 'off') installMetrics(app, services.metrics, { serve: (config.metrics ?? 'on') === 'on' });

  const index = createRouteIndex(app);
  installErrorHandling(app, index.allowedMethods);
  await installContentTypes(app);
  installAuth(
    app,
    services.tokens,
    revocationCache((id) => isClientRevoked(services.clients, id)),
  );
  // one store for the API's rate limit, the token endpoint's and its count of wrong secrets
  const tokenLimit = config.tokenRateLimit ?? 'off';
  let limits: RateLimitStore | undefined;
  if (config.rateLimit !== 'off' || tokenLimit !== 'off') {
    limits = config.redisUrl ? await redisStore(config.redisUrl, app.log) : memoryStore();
    const store = limits;
    app.addHook('onClose', () => store.close());
  }
  if (limits && config.rateLimit !== 'off') installRateLimit(app, config.rateLimit, limits);
  await installDocs(app, { publicUrl: config.publicUrl });
  await installConsole(app);

  const checks: HealthCheck[] = [databaseCheck(() => services.probeDatabase())];
  // not critical: without Redis the limits are counted per node (see rate-limit-redis.ts)
  const redisCheck = limits?.check?.bind(limits);
  if (redisCheck) checks.push({ name: 'redis', critical: false, check: redisCheck });
  healthRoutes(app, checks);
  await app.register(async (scope) =>
    oauthRoutes(scope, {
      ...services,
      publicUrl: config.publicUrl,
      failures: config.rateLimit !== 'off' ? limits : undefined,
      guard: limits && tokenLimit !== 'off' ? tokenRateLimit(tokenLimit, limits) : undefined,
    }),
  );
  const { ctx } = services;
  for (const version of API_VERSIONS) {
    identityProfileRoutes(app, version, ctx);
    identityLifecycleRoutes(app, version.name, ctx);
    lifecycleStateRoutes(app, version, ctx);
  }
  // the supporting services, once per layout: /v3/sources…, /sources/v1… (http/layouts.ts)
  for (const layout of SERVICE_LAYOUTS) {
    taskStatusRoutes(app, layout, ctx);
    transformRoutes(app, layout, ctx);
    await app.register(async (scope) =>
      accountRoutes(scope, layout, ctx, { maxBytes: config.uploadLimitBytes ?? DEFAULT_UPLOAD_LIMIT_BYTES }),
    );
    identityRoutes(app, layout, ctx);
    sourceRoutes(app, layout, ctx);
  }
  app.decorate('routeIndex', index);
  return app;
}

/**
 * One concise line per request at debug; a slow one (≥ 1 s) also at info. Refusals and faults are
 * logged by the error handler. URLs may hold a `client_secret`: the logger redacts every line (`logger.ts`).
 */
function installRequestLog(app: FastifyInstance) {
  const debug = app.log.level === 'debug' || app.log.level === 'trace';
  app.addHook('onResponse', (request, reply, done) => {
    const ms = reply.elapsedTime;
    if (ms >= 1000)
      request.log.info(
        { method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(ms) },
        'slow request',
      );
    else if (debug)
      request.log.debug(
        { method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(ms * 10) / 10 },
        'request',
      );
    done();
  });
}

declare module 'fastify' {
  interface FastifyInstance {
    routeIndex: ReturnType<typeof createRouteIndex>;
  }
}
