import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { DomainContext } from '../../domain/context.js';
import { PerServiceTaskStatus, TaskStatus } from '../../domain/tasks/schema.js';
import { getTaskStatus, listTaskStatus, toPerServiceTaskStatus } from '../../domain/tasks/service.js';
import type { ServiceLayout } from '../layouts.js';
import { rightsOf } from '../rights.js';
import { CollectionQuerystring, errorResponses, page } from './responses.js';

/** How a layout shows a task status: its schema and the conversion from ours. */
export function taskStatusShape(layout: ServiceLayout): {
  schema: typeof TaskStatus | typeof PerServiceTaskStatus;
  show: (s: TaskStatus) => TaskStatus | PerServiceTaskStatus;
} {
  return layout.shapes === 'perService'
    ? { schema: PerServiceTaskStatus, show: toPerServiceTaskStatus }
    : { schema: TaskStatus, show: (s) => s };
}

/** `GET …/task-status/{id}`: the status of every task a 202 answer referred to; and the list (newest first). */
export function taskStatusRoutes(app: FastifyInstance, layout: ServiceLayout, ctx: DomainContext) {
  const base = layout.paths.taskStatus;
  const { schema, show } = taskStatusShape(layout);
  app.get<{ Querystring: Record<string, string> }>(
    base,
    {
      config: { rights: rightsOf(layout.name, 'listTaskStatus') },
      schema: {
        tags: ['Task Status'],
        summary: 'List task statuses (newest first)',
        querystring: CollectionQuerystring,
        response: { 200: Type.Array(schema), ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      const { items, total } = await listTaskStatus(ctx, request.query);
      return page(reply, { items: items.map((s) => show(s)), total });
    },
  );
  app.get<{ Params: { id: string } }>(
    `${base}/:id`,
    {
      config: { rights: rightsOf(layout.name, 'getTaskStatus') },
      schema: {
        tags: ['Task Status'],
        summary: 'Get a task status',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) }),
        response: { 200: schema, ...errorResponses(404) },
      },
    },
    async (request) => show(await getTaskStatus(ctx, request.params.id)),
  );
}
