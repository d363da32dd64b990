import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../../metrics.js';
import { versionOfUrl } from '../versions.js';

/**
 * Records every answered request (route pattern, status, API version, latency) and the 429s of the
 * rate limits; with `serve`, answers `GET /metrics` (Prometheus text format, public like /health:
 * counts and timings, no data). The route label is the route's pattern (`/v3/sources/:id`), or
 * `unmatched` for a URL no route serves, so a scan of random URLs cannot grow the label set.
 */
export function installMetrics(app: FastifyInstance, metrics: Metrics, { serve }: { serve: boolean }): void {
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.is404 || !request.routeOptions.url ? 'unmatched' : request.routeOptions.url;
    const labels = {
      method: request.method,
      route,
      status: String(reply.statusCode),
      version: route === 'unmatched' ? 'other' : versionOfUrl(route),
    };
    metrics.httpRequests.inc(labels);
    metrics.httpDuration.observe(labels, reply.elapsedTime / 1000);
    if (reply.statusCode === 429) metrics.rateLimited.inc({ limit: route.startsWith('/oauth/') ? 'token' : 'api' });
    done();
  });
  if (!serve) return;
  app.get('/metrics', { config: { public: true }, schema: { hide: true } }, async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
