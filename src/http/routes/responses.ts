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

/** At most this many `Warning` headers, each at most this long: a header section stays far below clients' limits (Node's: 16 KiB). */
const MAX_WARNINGS = 10;
const MAX_WARNING_CHARS = 300;

/**
 * Warnings about a request that succeeded, as `Warning: 199 idprofiles "<text>"` headers (RFC 7234
 * §5.5; one per warning), where ISC's response shape has no place for them. The text is made
 * ASCII (a header carries Latin-1 at most): other characters as `\uXXXX`, quotes escaped. Bounded
 * (names in the text come from the request): the first MAX_WARNINGS, each cut to
 * MAX_WARNING_CHARS, and a last one saying how many more there were.
 */
export function warn(reply: FastifyReply, warnings: readonly string[]): void {
  if (!warnings.length) return;
  const cut = (text: string) => (text.length > MAX_WARNING_CHARS ? `${text.slice(0, MAX_WARNING_CHARS - 1)}…` : text);
  const shown = warnings.slice(0, MAX_WARNINGS).map(cut);
  if (warnings.length > MAX_WARNINGS) shown.push(`… and ${warnings.length - MAX_WARNINGS} more such warnings.`);
  const quoted = (text: string) =>
    JSON.stringify(text).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  reply.header(
    'Warning',
    shown.map((w) => `199 idprofiles ${quoted(w)}`),
  );
}
