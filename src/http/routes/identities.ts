import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { DomainContext } from '../../domain/context.js';
import { Identity } from '../../domain/identities/schema.js';
import { getIdentity, listIdentities } from '../../domain/identities/service.js';
import type { ServiceLayout } from '../layouts.js';
import { rightsOf } from '../rights.js';
import { CollectionQuerystring, errorResponses, page } from './responses.js';

/** Identities (`/v2025/identities`, `/identities/v1` and siblings): list with ISC's filters, sorters and paging, and get. */
export function identityRoutes(app: FastifyInstance, layout: ServiceLayout, ctx: DomainContext) {
  const base = layout.paths.identities;
  if (!base) return;
  app.get<{ Querystring: Record<string, string> }>(
    base,
    {
      config: { rights: rightsOf(layout.name, 'listIdentities') },
      schema: {
        tags: ['Identities'],
        summary: 'List identities',
        querystring: CollectionQuerystring,
        response: { 200: Type.Array(Identity), ...errorResponses(400) },
      },
    },
    async (request, reply) => page(reply, await listIdentities(ctx, request.query)),
  );
  app.get<{ Params: { id: string } }>(
    `${base}/:id`,
    {
      config: { rights: rightsOf(layout.name, 'getIdentity') },
      schema: {
        tags: ['Identities'],
        summary: 'Get an identity',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) }),
        response: { 200: Identity, ...errorResponses(400, 404) },
      },
    },
    async (request) => getIdentity(ctx, request.params.id),
  );
}
