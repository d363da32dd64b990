import type { FastifyInstance } from 'fastify';

/**
 * Remembers every route's pattern so an unknown method on a known path can answer 405 with
 * `Allow`, and so a test can list every route with its declared rights.
 */
export function createRouteIndex(app: FastifyInstance) {
  const routes: Array<{ method: string; url: string; pattern: RegExp; config: Record<string, unknown> }> = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const pattern = new RegExp(`^${route.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[\w-]+/g, '[^/]+')}/?$`);
    for (const method of methods) routes.push({ method, url: route.url, pattern, config: (route.config ?? {}) as Record<string, unknown> });
  });
  return {
    routes,
    allowedMethods(path: string): string[] {
      const clean = path.replace(/\/{2,}/g, '/');
      return [...new Set(routes.filter((r) => r.pattern.test(clean)).map((r) => r.method))];
    },
  };
}
