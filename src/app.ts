import Fastify, { type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { randomUUID } from 'node:crypto';
import type { Config } from './config.js';
import { ping } from './db/database.js';
import { installErrorHandling } from './http/error-handler.js';
import { installAuth, revocationCache } from './http/plugins/auth.js';
import { installContentTypes } from './http/plugins/content-types.js';
import { installDocs } from './http/plugins/docs.js';
import { installRateLimit } from './http/plugins/rate-limit.js';
import { createRouteIndex } from './http/route-index.js';
import { healthRoutes } from './http/routes/health.js';
import { identityProfileRoutes } from './http/routes/identity-profiles.js';
import { oauthRoutes } from './http/routes/oauth.js';
import { sourceRoutes } from './http/routes/sources.js';
import { taskStatusRoutes } from './http/routes/task-status.js';
import { transformRoutes } from './http/routes/transforms.js';
import { API_VERSIONS } from './http/versions.js';
import type { Services } from './services.js';

export interface AppOptions {
  services: Services;
  config: Pick<Config, 'rateLimit' | 'logLevel'>;
  /** A pino logger instance or `false` (tests). */
  logger?: boolean | object;
}

/** Builds the HTTP application; no listening, no environment reads (tests inject into it). */
export async function buildApp({ services, config, logger }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: logger ?? { level: config.logLevel },
    genReqId: () => randomUUID().replace(/-/g, ''),
    bodyLimit: 5 * 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 200 },
    ajv: { customOptions: { coerceTypes: 'array', useDefaults: false, removeAdditional: false, allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const index = createRouteIndex(app);
  installErrorHandling(app, index.allowedMethods);
  await installContentTypes(app);
  installAuth(app, services.tokens, revocationCache(async (id) => (await services.clients.findById(id))?.revokedAt != null));
  if (config.rateLimit !== 'off') installRateLimit(app, config.rateLimit);
  await installDocs(app);

  healthRoutes(app, () => ping(services.database.db));
  await app.register(async (scope) => oauthRoutes(scope, services));
  const { ctx } = services;
  for (const version of API_VERSIONS) {
    identityProfileRoutes(app, version, ctx);
    if (version.prefix) {
      taskStatusRoutes(app, version.prefix, ctx);
      transformRoutes(app, version.prefix, ctx);
    }
  }
  sourceRoutes(app, '/v3', ctx);
  app.decorate('routeIndex', index);
  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    routeIndex: ReturnType<typeof createRouteIndex>;
  }
}
