import { jwtVerify, SignJWT, errors as joseErrors } from 'jose';
import { randomUUID } from 'node:crypto';
import type { ApiClient } from './repository.js';

/** The claims our access tokens carry (ISC's names, spec §9). */
export interface TokenClaims {
  tenant_id: string;
  internal: boolean;
  pod: string;
  org: string;
  strong_auth: boolean;
  strong_auth_supported: boolean;
  claims_supported: boolean;
  authorities: string[];
  client_id: string;
  scope: string[];
  exp: number;
  jti: string;
}

export const TENANT = { id: 'default', org: 'idprofiles', pod: 'local' } as const;
const ISSUER = 'idprofiles';

/**
 * Issues and verifies HS256 access tokens. The key is shared by every API node through the
 * database. Verified tokens are cached until they expire (bounded), so a request costs one
 * map lookup, not an HMAC.
 */
export function createTokenService(key: Uint8Array, ttlSeconds: number, cacheSize = 10_000) {
  const cache = new Map<string, TokenClaims>();

  async function issue(client: ApiClient) {
    const jti = randomUUID();
    const claims = {
      tenant_id: TENANT.id,
      internal: false,
      pod: TENANT.pod,
      org: TENANT.org,
      strong_auth: false,
      strong_auth_supported: false,
      claims_supported: false,
      authorities: client.authorities,
      client_id: client.id,
      scope: client.scopes,
    };
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setJti(jti)
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(key);
    return { token, jti, claims };
  }

  /** The token's claims, or an error message in ISC's words ("JWT validation failed: ..."). */
  async function verify(token: string): Promise<TokenClaims | string> {
    const cached = cache.get(token);
    if (cached) {
      if (cached.exp * 1000 > Date.now()) return cached;
      cache.delete(token);
      return 'JWT validation failed: JWT is expired';
    }
    try {
      const { payload } = await jwtVerify(token, key, { issuer: ISSUER, algorithms: ['HS256'] });
      const claims = payload as unknown as TokenClaims;
      if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as string);
      cache.set(token, claims);
      return claims;
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired) return 'JWT validation failed: JWT is expired';
      return 'JWT validation failed: invalid token';
    }
  }

  return { issue, verify, ttlSeconds };
}
export type TokenService = ReturnType<typeof createTokenService>;
