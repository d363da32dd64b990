import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, ERRORS } from '../../errors.js';
import { ALL_SCOPES } from '../../domain/clients/service.js';
import type { TokenClaims, TokenService } from '../../domain/clients/tokens.js';
import type { Rights } from '../rights.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The rights a route needs; every API route declares them (a test checks). */
    rights?: Rights;
    /** Routes anyone may call (health, token, docs, console assets). */
    public?: boolean;
  }
  interface FastifyRequest {
    auth?: TokenClaims;
  }
}

/** Does a token hold the declared right? (decision 4: one listed scope suffices; `sp:scopes:all` grants all.) */
export function hasRight(claims: Pick<TokenClaims, 'scope' | 'authorities'>, rights: Rights): boolean {
  const scopes = claims.scope ?? [];
  const scopeOk = scopes.includes(ALL_SCOPES) || rights.scopes.some((s) => scopes.includes(s));
  const levelOk =
    rights.userLevels.length === 0 || rights.userLevels.some((l) => (claims.authorities ?? []).includes(l));
  return scopeOk && levelOk;
}

/**
 * Checks `Authorization: Bearer` on every route that is not public, before the body is read:
 * no/invalid/expired token → 401 `{error}`; a route without declared rights is refused (fail
 * closed); a token without the right → 403. `isRevoked` lets revocation take effect on live tokens.
 */
export function installAuth(
  app: FastifyInstance,
  tokens: TokenService,
  isRevoked: (clientId: string) => Promise<boolean>,
): void {
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const config = request.routeOptions.config;
    if (config.public || request.is404) return;
    const header = request.headers.authorization;
    const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!m)
      throw ERRORS.invalidToken(
        header ? 'JWT validation failed: malformed Authorization header' : 'JWT validation failed: no token',
      );
    const claims = await tokens.verify(m[1]);
    if (typeof claims === 'string') throw ERRORS.invalidToken(claims);
    if (await isRevoked(claims.client_id))
      throw ERRORS.invalidToken('JWT validation failed: the API client was revoked');
    request.auth = claims;
    if (!config.rights) throw new AppError('route_closed', 'This route declares no rights and is closed.');
    if (!hasRight(claims, config.rights)) {
      throw ERRORS.rightsMissing([
        `Requires one of the scopes ${config.rights.scopes.join(', ')} (or ${ALL_SCOPES})${config.rights.userLevels.length ? ` and one of the user levels ${config.rights.userLevels.join(', ')}` : ''}.`,
      ]);
    }
  });
}

/** Caches "is this client revoked?" for a few seconds, so revocation reaches every node quickly without a query per request. */
export function revocationCache(lookup: (clientId: string) => Promise<boolean>, ttlMs = 5000) {
  const cache = new Map<string, { revoked: boolean; until: number }>();
  return async (clientId: string): Promise<boolean> => {
    const hit = cache.get(clientId);
    if (hit && hit.until > Date.now()) return hit.revoked;
    const revoked = await lookup(clientId);
    if (cache.size > 10_000) cache.clear();
    cache.set(clientId, { revoked, until: Date.now() + ttlMs });
    return revoked;
  };
}
