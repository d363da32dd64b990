import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { DomainContext } from '../../domain/context.js';
import { JsonPatch } from '../../domain/shared/schema.js';
import { patchSource } from '../../domain/sources/patch.js';
import { Source, SourceInput } from '../../domain/sources/schema.js';
import { createSource, deleteSource, getSource, listSources } from '../../domain/sources/service.js';
import { CollectionQuerystring, actorOf, errorResponses, page } from './responses.js';

const READ = { scopes: ['idn:sources:read', 'idn:sources:manage'], userLevels: ['ORG_ADMIN', 'API', 'SOURCE_ADMIN', 'SOURCE_SUBADMIN'] };
const MANAGE = { scopes: ['idn:sources:manage'], userLevels: ['ORG_ADMIN', 'API', 'SOURCE_ADMIN', 'SOURCE_SUBADMIN'] };
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) });
type Id = { Params: { id: string } };

/** The minimum of `/v3/sources` that profiles and loads need. */
export function sourceRoutes(app: FastifyInstance, prefix: string, ctx: DomainContext) {
  const tags = ['Sources'];
  app.get<{ Querystring: Record<string, string> }>(`${prefix}/sources`, {
    config: { rights: READ },
    schema: { tags, summary: 'List sources', querystring: CollectionQuerystring, response: { 200: Type.Array(Source), ...errorResponses(400) } },
  }, async (request, reply) => page(reply, await listSources(ctx, request.query)));
  app.post<{ Body: SourceInput }>(`${prefix}/sources`, {
    config: { rights: MANAGE },
    schema: { tags, summary: 'Create a source', body: SourceInput, response: { 201: Source, ...errorResponses(400) } },
  }, async (request, reply) => reply.code(201).send(await createSource(ctx, request.body, actorOf(request).clientId)));
  app.get<Id>(`${prefix}/sources/:id`, {
    config: { rights: READ },
    schema: { tags, summary: 'Get a source', params: IdParams, response: { 200: Source, ...errorResponses(400, 404) } },
  }, async (request) => getSource(ctx, request.params.id));
  app.patch<Id & { Body: JsonPatch }>(`${prefix}/sources/:id`, {
    config: { rights: MANAGE },
    schema: {
      tags, summary: 'Update a source (JSON Patch); this server changes `deleteThreshold` only', params: IdParams, body: JsonPatch,
      response: { 200: Source, ...errorResponses(400, 404) },
    },
  }, async (request) => patchSource(ctx, request.params.id, request.body, actorOf(request).clientId));
  app.delete<Id>(`${prefix}/sources/:id`, {
    config: { rights: MANAGE },
    schema: { tags, summary: 'Delete a source', params: IdParams, response: { 204: Type.Null(), ...errorResponses(400, 404) } },
  }, async (request, reply) => {
    await deleteSource(ctx, request.params.id, actorOf(request).clientId);
    return reply.code(204).send();
  });
}
