import type { FastifyInstance, FastifyRequest } from 'fastify';
import { asBulk } from '../../db/lanes.js';

/** Does the route answer a list (its 200 is an array: lists and exports, whose cost grows with the data)? */
function answersList(request: FastifyRequest): boolean {
  const ok = (request.routeOptions.schema?.response as Record<string, { type?: unknown }> | undefined)?.['200'];
  return ok?.type === 'array';
}

/**
 * List requests run as bulk work (db/lanes.ts): on PostgreSQL they share all but a few of the
 * pool's connections, and a GET by id or a write never queues behind them.
 */
export function installBulkLane(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    // the rest of the request (hooks, handler, its statements) runs inside the lane's context
    if (request.method === 'GET' && answersList(request)) return asBulk(done);
    done();
  });
}
