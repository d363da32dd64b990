import type { FastifyInstance, RouteOptions } from 'fastify';

export interface IndexedRoute {
  method: string;
  url: string;
  pattern: RegExp;
  /** The route's `config` as Fastify finally registers it (read late: a later onRoute hook may replace it). */
  readonly config: Record<string, unknown>;
}

/** `/v3/identity-profiles/:id` → a RegExp matching concrete paths (with or without a trailing slash). */
function patternOf(url: string): RegExp {
  return new RegExp(`^${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[\w-]+/g, '[^/]+')}/?$`);
}

/**
 * Remembers every route's pattern so an unknown method on a known path can answer 405 with
 * `Allow`, and so a test can list every route with its declared rights.
 */
export function createRouteIndex(app: FastifyInstance) {
  const routes: IndexedRoute[] = [];
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const pattern = patternOf(route.url);
    for (const method of methods) {
      routes.push({
        method,
        url: route.url,
        pattern,
        get config() {
          return (route.config ?? {}) as Record<string, unknown>;
        },
      });
    }
  });
  return {
    routes,
    allowedMethods(path: string): string[] {
      const clean = path.replace(/\/{2,}/g, '/');
      return [...new Set(routes.filter((r) => r.pattern.test(clean)).map((r) => r.method))];
    },
  };
}
