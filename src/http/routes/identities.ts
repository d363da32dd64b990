import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { DomainContext } from '../../domain/context.js';
import { Identity } from '../../domain/identities/schema.js';
import { getIdentity, listIdentities } from '../../domain/identities/service.js';
import { CollectionQuerystring, errorResponses, page } from './responses.js';

const READ = { scopes: ['idn:identity:read', 'idn:identity:manage'], userLevels: ['ORG_ADMIN', 'API', 'HELPDESK'] };

/** Identities (`/v2025/identities` and siblings): list with ISC's filters, sorters and paging, and get. */
export function identityRoutes(app: FastifyInstance, prefix: string, ctx: DomainContext) {
  app.get<{ Querystring: Record<string, string> }>(`${prefix}/identities`, {
    config: { rights: READ },
    schema: { tags: ['Identities'], summary: 'List identities', querystring: CollectionQuerystring, response: { 200: Type.Array(Identity), ...errorResponses(400) } },
  }, async (request, reply) => page(reply, await listIdentities(ctx, request.query)));
  app.get<{ Params: { id: string } }>(`${prefix}/identities/:id`, {
    config: { rights: READ },
    schema: { tags: ['Identities'], summary: 'Get an identity', params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) }), response: { 200: Identity, ...errorResponses(400, 404) } },
  }, async (request) => getIdentity(ctx, request.params.id));
}
