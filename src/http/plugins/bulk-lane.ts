import type { FastifyInstance, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A request whose work grows with its body (an upload): run as bulk work, as lists are. */
    bulk?: boolean;
  }
}

/** Does the route answer a list (its 200 is an array: lists and exports, whose cost grows with the data)? */
function answersList(request: FastifyRequest): boolean {
  const ok = (request.routeOptions.schema?.response as Record<string, { type?: unknown }> | undefined)?.['200'];
  return ok?.type === 'array';
}

/** Runs a request's work as bulk work (`Database.bulkRequest`, which satisfies this). */
export interface BulkLane {
  bulkRequest<T>(fn: () => T): T;
}

/**
 * List requests and uploads run as bulk work (`Database.bulkRequest`): on PostgreSQL they share all
 * but a few of the pool's connections, on PGlite their statements give way to other requests', and
 * a GET by id or a write never queues behind them.
 */
export function installBulkLane(app: FastifyInstance, database: BulkLane): void {
  app.addHook('onRequest', (request, _reply, done) => {
    // the rest of the request (hooks, handler, its statements) runs inside the lane's context
    if ((request.method === 'GET' && answersList(request)) || request.routeOptions.config?.bulk)
      return database.bulkRequest(done);
    done();
  });
}
