import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { DomainContext } from '../../domain/context.js';
import { JsonPatch } from '../../domain/shared/schema.js';
import { patchSource } from '../../domain/sources/patch.js';
import { PerServiceSource, Source, SourceInput, toPerServiceSource } from '../../domain/sources/schema.js';
import { createSource, deleteSource, getSource, listSources } from '../../domain/sources/service.js';
import type { ServiceLayout } from '../layouts.js';
import { rightsOf } from '../rights.js';
import { CollectionQuerystring, actorOf, errorResponses, page } from './responses.js';

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) });
type Id = { Params: { id: string } };
/** sources.v1's answer to a delete: a reference to the task that did it (its `name`, "null/empty" and non-nullable, left out). */
const TaskReference = Type.Object({ type: Type.Literal('TASK_RESULT'), id: Type.String() });

/** The minimum of ISC's sources (`/v3/sources`, `/sources/v1`) that profiles and loads need. */
export function sourceRoutes(app: FastifyInstance, layout: ServiceLayout, ctx: DomainContext) {
  const base = layout.paths.sources;
  if (!base) return;
  const tags = ['Sources'];
  const perService = layout.shapes === 'perService';
  const Shape = perService ? PerServiceSource : Source;
  const show = (source: Source): Source | PerServiceSource => (perService ? toPerServiceSource(source) : source);
  app.get<{ Querystring: Record<string, string> }>(
    base,
    {
      config: { rights: rightsOf(layout.name, 'listSources') },
      schema: {
        tags,
        summary: 'List sources',
        querystring: CollectionQuerystring,
        response: { 200: Type.Array(Shape), ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      const { items, total } = await listSources(ctx, request.query);
      return page(reply, { items: items.map(show), total });
    },
  );
  app.post<{ Body: SourceInput }>(
    base,
    {
      config: { rights: rightsOf(layout.name, 'createSource') },
      schema: { tags, summary: 'Create a source', body: SourceInput, response: { 201: Shape, ...errorResponses(400) } },
    },
    async (request, reply) =>
      reply.code(201).send(show(await createSource(ctx, request.body, actorOf(request).clientId))),
  );
  app.get<Id>(
    `${base}/:id`,
    {
      config: { rights: rightsOf(layout.name, 'getSource') },
      schema: {
        tags,
        summary: 'Get a source',
        params: IdParams,
        response: { 200: Shape, ...errorResponses(400, 404) },
      },
    },
    async (request) => show(await getSource(ctx, request.params.id)),
  );
  app.patch<Id & { Body: JsonPatch }>(
    `${base}/:id`,
    {
      config: { rights: rightsOf(layout.name, 'updateSource') },
      schema: {
        tags,
        summary: 'Update a source (JSON Patch); this server changes `deleteThreshold` only',
        params: IdParams,
        body: JsonPatch,
        response: { 200: Shape, ...errorResponses(400, 404) },
      },
    },
    async (request) => show(await patchSource(ctx, request.params.id, request.body, actorOf(request).clientId)),
  );
  const asTask = layout.sourceDelete === 'taskReference';
  app.delete<Id>(
    `${base}/:id`,
    {
      config: { rights: rightsOf(layout.name, 'deleteSource') },
      schema: {
        tags,
        summary: asTask ? 'Delete a source (answers with the task that did it)' : 'Delete a source',
        params: IdParams,
        response: { ...(asTask ? { 202: TaskReference } : { 204: Type.Null() }), ...errorResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const task = await deleteSource(ctx, request.params.id, actorOf(request).clientId, { asTask });
      if (!task) return reply.code(204).send();
      return reply
        .code(202)
        .header('Location', `${layout.paths.taskStatus}/${task.id}`)
        .send({ type: 'TASK_RESULT', id: task.id });
    },
  );
}
