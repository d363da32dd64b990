import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';

/**
 * Our own OpenAPI, generated from the route schemas (the same ones that validate requests),
 * at `/docs/json`, and a readable API reference at `/docs`. Assets are served locally.
 */
export async function installDocs(app: FastifyInstance): Promise<void> {
  // The docs routes are public (the hook must exist before the plugins add their routes).
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs')) route.config = { ...(route.config ?? {}), public: true };
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'idprofiles — Identity Profiles API',
        description: 'A self-hosted, ISC-compatible implementation of SailPoint Identity Security Cloud\'s Identity Profiles API. Get a token with POST /oauth/token (client credentials), then call any version: /v3, /beta, /v2024, /v2025, /v2026 or /identity-profiles/v1.',
        version: '1.0.0',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        },
      },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { docExpansion: 'none', deepLinking: true, filter: true },
    staticCSP: true,
    uiHooks: {},
  });
}
