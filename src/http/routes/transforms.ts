import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { DomainContext } from '../../domain/context.js';
import { Transform, TransformInput } from '../../domain/transforms/schema.js';
import {
  createTransform,
  deleteTransform,
  getTransform,
  listTransforms,
  replaceTransform,
} from '../../domain/transforms/service.js';
import type { ServiceLayout } from '../layouts.js';
import { rightsOf } from '../rights.js';
import { CollectionQuerystring, actorOf, errorResponses, page } from './responses.js';

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) });
const ListQuery = Type.Object({
  ...CollectionQuerystring.properties,
  name: Type.Optional(Type.String({ description: 'Name starts with' })),
});
type Id = { Params: { id: string } };

/** Named transforms (`/<version>/transforms`, `/transforms/v1`): list, create, get, replace (PUT), delete. */
export function transformRoutes(app: FastifyInstance, layout: ServiceLayout, ctx: DomainContext) {
  const tags = ['Transforms'];
  const path = layout.paths.transforms;
  if (!path) return;
  app.get<{ Querystring: Record<string, string> }>(
    path,
    {
      config: { rights: rightsOf(layout.name, 'listTransforms') },
      schema: {
        tags,
        summary: 'List transforms',
        querystring: ListQuery,
        response: { 200: Type.Array(Transform), ...errorResponses(400) },
      },
    },
    async (request, reply) => page(reply, await listTransforms(ctx, request.query)),
  );
  app.post<{ Body: TransformInput }>(
    path,
    {
      config: { rights: rightsOf(layout.name, 'createTransform') },
      schema: {
        tags,
        summary: 'Create a transform',
        body: TransformInput,
        response: { 201: Transform, ...errorResponses(400) },
      },
    },
    async (request, reply) => reply.code(201).send(await createTransform(ctx, request.body, actorOf(request))),
  );
  app.get<Id>(
    `${path}/:id`,
    {
      config: { rights: rightsOf(layout.name, 'getTransform') },
      schema: {
        tags,
        summary: 'Get a transform',
        params: IdParams,
        response: { 200: Transform, ...errorResponses(400, 404) },
      },
    },
    async (request) => getTransform(ctx, request.params.id),
  );
  app.put<Id & { Body: TransformInput }>(
    `${path}/:id`,
    {
      config: { rights: rightsOf(layout.name, 'updateTransform') },
      schema: {
        tags,
        summary: 'Replace a transform (attributes only)',
        params: IdParams,
        body: TransformInput,
        response: { 200: Transform, ...errorResponses(400, 404) },
      },
    },
    async (request) => replaceTransform(ctx, request.params.id, request.body, actorOf(request)),
  );
  app.delete<Id>(
    `${path}/:id`,
    {
      config: { rights: rightsOf(layout.name, 'deleteTransform') },
      schema: {
        tags,
        summary: 'Delete a transform',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses(400, 404) },
      },
    },
    async (request, reply) => {
      await deleteTransform(ctx, request.params.id, actorOf(request));
      return reply.code(204).send();
    },
  );
}
