import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { ErrorResponse, RateLimitResponse, UnauthorizedResponse } from '../../domain/shared/schema.js';

/** Response schemas for the error statuses a route declares (so they are documented and serialized). */
export function errorResponses(...statuses: number[]) {
  const out: Record<number, unknown> = {};
  for (const s of [...statuses, 401, 403, 429, 500]) {
    out[s] = s === 401 ? UnauthorizedResponse : s === 429 ? RateLimitResponse : ErrorResponse;
  }
  return out;
}

/** The acting API client, for audit and task launcher. */
export const actorOf = (request: { auth?: { client_id: string } }) => {
  const id = request.auth?.client_id ?? 'anonymous';
  return { clientId: id, name: id };
};

/** `limit`, `offset`, `count`, `filters`, `sorters`: kept as text, parsed by the domain (exact 400s). */
export const CollectionQuerystring = Type.Object({
  limit: Type.Optional(Type.String({ description: 'Max results, 0..250 (default 250)' })),
  offset: Type.Optional(Type.String({ description: 'Results to skip (default 0)' })),
  count: Type.Optional(Type.String({ description: 'true: total in X-Total-Count' })),
  filters: Type.Optional(Type.String({ description: 'Filter expression, e.g. name sw "HR"' })),
  sorters: Type.Optional(Type.String({ description: 'Comma-separated fields, - for descending' })),
});

/** A collection answer: the items, with `X-Total-Count` when the client asked for it (count=true). */
export function page<T>(reply: FastifyReply, { items, total }: { items: T[]; total?: number }): T[] {
  if (total !== undefined) reply.header('X-Total-Count', total);
  return items;
}
