import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { DomainContext } from '../../domain/context.js';
import { TaskStatus } from '../../domain/tasks/schema.js';
import { getTaskStatus, listTaskStatus } from '../../domain/tasks/service.js';
import { CollectionQuerystring, errorResponses, page } from './responses.js';

const RIGHTS = { scopes: ['idn:task-management:read', 'idn:identity-profile:read', 'idn:identity-profile:manage'], userLevels: [] };

/** `GET /<version>/task-status/{id}`: the status of every task a 202 answer referred to; and the list. */
export function taskStatusRoutes(app: FastifyInstance, prefix: string, ctx: DomainContext) {
  app.get<{ Querystring: Record<string, string> }>(`${prefix}/task-status`, {
    config: { rights: RIGHTS },
    schema: { tags: ['Task Status'], summary: 'List task statuses (newest first)', querystring: CollectionQuerystring, response: { 200: Type.Array(TaskStatus), ...errorResponses(400) } },
  }, async (request, reply) => page(reply, await listTaskStatus(ctx, request.query)));
  app.get<{ Params: { id: string } }>(`${prefix}/task-status/:id`, {
    config: { rights: RIGHTS },
    schema: { tags: ['Task Status'], summary: 'Get a task status', params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) }), response: { 200: TaskStatus, ...errorResponses(404) } },
  }, async (request) => getTaskStatus(ctx, request.params.id));
}
