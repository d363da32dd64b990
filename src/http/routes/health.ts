import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';

/** `GET /health`: 200 once the database answers. */
export function healthRoutes(app: FastifyInstance, ping: () => Promise<void>) {
  app.get('/health', {
    config: { public: true },
    schema: { hide: true, response: { 200: Type.Object({ status: Type.Literal('UP') }) } },
  }, async () => {
    await ping();
    return { status: 'UP' as const };
  });
}
