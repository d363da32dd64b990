import type { ApiClientRepository } from '../domain/clients/repository.js';
import { createClient } from '../domain/clients/service.js';

/**
 * What `idprofiles clients create|list|revoke` do, as requests: run on a database this process
 * opened, or sent through the data folder's lock to the server that holds it (data-folder-lock.ts),
 * which answers with the same function, so a client made while the server runs works at once.
 */
export type AdminRequest =
  | { op: 'clients.create'; name: string; authorities?: string[]; scopes?: string[] }
  | { op: 'clients.list' }
  | { op: 'clients.revoke'; id: string };

export interface CreatedClient {
  id: string;
  secret: string;
  authorities: string[];
  scopes: string[];
}
export interface ClientSummary {
  id: string;
  name: string;
  authorities: string[];
  scopes: string[];
  revoked: boolean;
}

/**
 * Answers admin requests on `repo`; anything else (a request from another version, say) is refused
 * with a reason. `log` (the server's logger) records each one: they change who may sign in.
 */
export function adminRequests(
  repo: ApiClientRepository,
  log?: { info(details: object, message: string): void },
): (request: unknown) => Promise<unknown> {
  return async (raw) => {
    const request = checked(raw);
    log?.info(
      { op: request.op, ...(request.op === 'clients.revoke' ? { clientId: request.id } : {}) },
      'admin request from another process',
    );
    switch (request.op) {
      case 'clients.create': {
        const { client, secret } = await createClient(repo, request);
        return {
          id: client.id,
          secret,
          authorities: client.authorities,
          scopes: client.scopes,
        } satisfies CreatedClient;
      }
      case 'clients.list':
        return (await repo.list()).map(
          (c) =>
            ({
              id: c.id,
              name: c.name,
              authorities: c.authorities,
              scopes: c.scopes,
              revoked: c.revokedAt !== null,
            }) satisfies ClientSummary,
        );
      case 'clients.revoke':
        return { revoked: await repo.revoke(request.id, new Date()) };
    }
  };
}

const isText = (v: unknown, max = 200): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;
const isTexts = (v: unknown): v is string[] | undefined =>
  v === undefined || (Array.isArray(v) && v.length <= 50 && v.every((s) => isText(s)));

function checked(raw: unknown): AdminRequest {
  const r = (raw ?? {}) as Record<string, unknown>;
  if (r.op === 'clients.list') return { op: r.op };
  if (r.op === 'clients.revoke' && isText(r.id)) return { op: r.op, id: r.id };
  if (r.op === 'clients.create' && isText(r.name) && isTexts(r.authorities) && isTexts(r.scopes)) {
    return { op: r.op, name: r.name, authorities: r.authorities, scopes: r.scopes };
  }
  throw new Error(`Not an admin request this server knows: ${JSON.stringify(raw).slice(0, 200)}`);
}
