import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AddressInfo } from 'node:net';
import multipart from '@fastify/multipart';
import { Type } from 'typebox';
import { authenticateClient } from '../../domain/clients/service.js';
import type { ApiClientRepository } from '../../domain/clients/repository.js';
import { TENANT, type TokenService } from '../../domain/clients/tokens.js';
import type { RateLimitStore } from '../plugins/rate-limit-store.js';

/**
 * Wrong secrets for one client id, per window, before its token requests are refused (429, even
 * with the right secret) until the window ends: guessing a secret stays bounded. Counted in the
 * rate limit's store, so several API nodes share the count.
 */
export const FAILED_SECRETS = { max: 10, windowSeconds: 60 } as const;

const TokenResponse = Type.Object({
  access_token: Type.String(),
  token_type: Type.String(),
  expires_in: Type.Integer(),
  scope: Type.String(),
  tenant_id: Type.String(),
  internal: Type.Boolean(),
  pod: Type.String(),
  strong_auth_supported: Type.Boolean(),
  org: Type.String(),
  claims_supported: Type.Boolean(),
  strong_auth: Type.Boolean(),
  enabled: Type.Boolean(),
  jti: Type.String(),
});
const OAuthError = Type.Object({ error: Type.String(), error_description: Type.String() });
/** A 429 is OAuth's `too_many_requests` after wrong secrets, ISC's gateway body when an address sends too many. */
const TooMany = Type.Union([OAuthError, Type.Object({ message: Type.String() })]);

const oauthError = (reply: FastifyReply, status: number, error: string, description: string) =>
  reply.code(status).header('Cache-Control', 'no-store').send({ error, error_description: description });

/**
 * The client's id and secret from `Authorization: Basic` (RFC 6749 §2.3.1, which a token endpoint
 * must support; the API reference's "Authorize" sends it so): each form-urlencoded, then joined by
 * a colon. Undefined without such a header; a string saying what is wrong with a malformed one.
 */
function basicCredentials(
  header: string | undefined,
): { client_id: string; client_secret: string } | string | undefined {
  const m = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (!m) return header && /^Basic\b/i.test(header) ? 'Malformed Basic credentials.' : undefined;
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return 'Malformed Basic credentials: expected client_id:client_secret.';
  const decode = (part: string) => {
    try {
      return decodeURIComponent(part.replace(/\+/g, ' '));
    } catch {
      return part; // not percent-encoded after all: taken as it is
    }
  };
  return { client_id: decode(text.slice(0, colon)), client_secret: decode(text.slice(colon + 1)) };
}

/**
 * Parameters from the body (multipart, urlencoded or JSON) or, as ISC allows, the query string;
 * the client's credentials there or in `Authorization: Basic`, not both (RFC 6749 §2.3: one method).
 */
function tokenParams(request: FastifyRequest): Record<string, string | undefined> | string {
  const body = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, unknown>;
  const query = request.query as Record<string, unknown>;
  const get = (k: string) => {
    const v = body[k] ?? query[k];
    return typeof v === 'string' ? v : Buffer.isBuffer(v) ? v.toString() : undefined;
  };
  const params = { grant_type: get('grant_type'), client_id: get('client_id'), client_secret: get('client_secret') };
  const basic = basicCredentials(request.headers.authorization);
  if (typeof basic === 'string') return basic;
  if (!basic) return params;
  if (params.client_secret !== undefined)
    return 'Send the client credentials once: in the Authorization header or in the parameters, not both.';
  if (params.client_id !== undefined && params.client_id !== basic.client_id)
    return 'client_id differs from the one in the Authorization header.';
  return { ...params, ...basic };
}

/**
 * Where this server listens, as a URL, when no public URL is configured: the bound address and
 * port (`localhost` for a wildcard bind). Never the request's `Host` header, which the client picks.
 */
function listeningUrl(address: AddressInfo | string | null): string {
  if (!address || typeof address === 'string') return 'http://localhost';
  const wildcard = address.address === '0.0.0.0' || address.address === '::';
  const host = wildcard ? 'localhost' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/**
 * `POST /oauth/token` (client credentials) and `GET /oauth/info`, as ISC. `/oauth/info` names
 * `publicUrl` (IDPROFILES_PUBLIC_URL) as the server's address, or where it listens.
 */
export async function oauthRoutes(
  app: FastifyInstance,
  deps: {
    clients: ApiClientRepository;
    tokens: TokenService;
    /** Counts wrong secrets per client id (the lockout); none: no lockout. */
    failures?: RateLimitStore;
    /** Runs before a token request is read (the per-address limit). */
    guard?: (request: FastifyRequest) => Promise<void>;
    publicUrl?: string;
  },
) {
  await app.register(multipart, { attachFieldsToBody: 'keyValues', limits: { fields: 20, fileSize: 1024, files: 0 } });

  app.post(
    '/oauth/token',
    {
      config: { public: true },
      ...(deps.guard ? { onRequest: deps.guard } : {}),
      schema: {
        tags: ['OAuth'],
        summary: 'Get an access token (client credentials)',
        response: { 200: TokenResponse, 400: OAuthError, 401: OAuthError, 429: TooMany },
      },
    },
    async (request, reply) => {
      const p = tokenParams(request);
      if (typeof p === 'string') return oauthError(reply, 400, 'invalid_request', p);
      if (!p.grant_type) return oauthError(reply, 400, 'invalid_request', 'Missing grant_type.');
      if (p.grant_type.toLowerCase() !== 'client_credentials') {
        return oauthError(
          reply,
          400,
          'unsupported_grant_type',
          `Unsupported grant type '${p.grant_type}'; this server issues client_credentials tokens.`,
        );
      }
      if (!p.client_id || !p.client_secret)
        return oauthError(reply, 400, 'invalid_request', 'client_id and client_secret are required.');
      const failuresKey = `oauth-failures ${p.client_id}`;
      const failed = await deps.failures?.peek(failuresKey);
      if (failed && failed.count >= FAILED_SECRETS.max) {
        const seconds = Math.max(1, Math.ceil(failed.resetMs / 1000));
        return oauthError(
          reply.header('Retry-After', String(seconds)),
          429,
          'too_many_requests',
          `Too many failed attempts for this client; try again in ${seconds} seconds.`,
        );
      }
      const client = await authenticateClient(deps.clients, p.client_id, p.client_secret);
      if (!client) {
        await deps.failures?.hit(failuresKey, FAILED_SECRETS.windowSeconds * 1000);
        return oauthError(reply, 401, 'invalid_client', 'Bad credentials');
      }
      const { token, jti, claims } = await deps.tokens.issue(client);
      reply.header('Cache-Control', 'no-store');
      return {
        access_token: token,
        token_type: 'bearer',
        expires_in: deps.tokens.ttlSeconds,
        scope: claims.scope.join(' '),
        tenant_id: TENANT.id,
        internal: false,
        pod: TENANT.pod,
        strong_auth_supported: false,
        org: TENANT.org,
        claims_supported: false,
        strong_auth: false,
        enabled: true,
        jti,
      };
    },
  );

  app.get(
    '/oauth/info',
    {
      config: { public: true },
      schema: { tags: ['OAuth'], summary: 'Tenant and OAuth endpoints' },
    },
    async () => {
      const base = deps.publicUrl ?? listeningUrl(app.server.address());
      return {
        tenantId: TENANT.id,
        tenantName: TENANT.org,
        authorizeEndpoint: `${base}/oauth/authorize`,
        tokenEndpoint: `${base}/oauth/token`,
        cloudDomainUrl: base,
        logoutUrl: `${base}/logout`,
        pod: TENANT.pod,
      };
    },
  );
}
