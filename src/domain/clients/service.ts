import { AppError } from '../../errors.js';
import type { ApiClient, ApiClientRepository } from './repository.js';
import { hashSecret, isLegacyHash, randomHex, UNMATCHABLE_HASH, verifySecret } from './secrets.js';

export const ALL_SCOPES = 'sp:scopes:all';
export const USER_LEVELS = ['ORG_ADMIN', 'API'] as const;

export interface NewClient {
  name: string;
  authorities?: string[];
  scopes?: string[];
  /** Given credentials (IDPROFILES_CLIENT_ID/SECRET); random ones otherwise. */
  id?: string;
  secret?: string;
}

/** Creates a client and returns its secret, which is shown once and stored only hashed. */
export async function createClient(
  repo: ApiClientRepository,
  init: NewClient,
): Promise<{ client: ApiClient; secret: string }> {
  const authorities = init.authorities?.length ? init.authorities : ['ORG_ADMIN'];
  const unknown = authorities.filter((a) => !(USER_LEVELS as readonly string[]).includes(a));
  if (unknown.length)
    throw new AppError(
      'unknown_authority',
      `Unknown authority ${unknown.join(', ')}; known: ${USER_LEVELS.join(', ')}`,
    );
  const secret = init.secret ?? randomHex(32);
  const client: ApiClient = {
    id: init.id ?? randomHex(16),
    name: init.name,
    secretHash: await hashSecret(secret),
    authorities,
    scopes: init.scopes?.length ? init.scopes : [ALL_SCOPES],
    created: new Date(),
    revokedAt: null,
  };
  if (init.id) await repo.upsert(client);
  else await repo.insert(client);
  return { client, secret };
}

/**
 * Client-credentials check; undefined for an unknown, revoked or wrong-secret client. The secret
 * is checked in every case (against a hash nothing matches when there is no usable client), so
 * the answer takes as long whether the id exists or not.
 */
export async function authenticateClient(
  repo: ApiClientRepository,
  id: string,
  secret: string,
): Promise<ApiClient | undefined> {
  const client = await repo.findById(id);
  const usable = client && !client.revokedAt ? client : undefined;
  const matches = await verifySecret(secret, usable?.secretHash ?? UNMATCHABLE_HASH);
  return usable && matches ? usable : undefined;
}

/** What `ensureAdminClient` did, for the start-up log. */
export type AdminClientOutcome =
  /** No credentials configured and no client yet: a new admin client, its secret to be shown once. */
  | { created: { id: string; secret: string } }
  /** The configured client was revoked: it stays revoked (a restart must not undo a revocation). */
  | { revoked: { id: string; at: Date } }
  | undefined;

/**
 * Makes sure the configured admin client exists with the configured secret and rights; a revoked
 * one stays revoked. Without configured credentials, the first start creates one and returns its
 * secret so it can be printed once.
 */
export async function ensureAdminClient(
  repo: ApiClientRepository,
  configured: { clientId?: string; clientSecret?: string },
): Promise<AdminClientOutcome> {
  if (configured.clientId && configured.clientSecret) {
    const existing = await repo.findById(configured.clientId);
    if (existing?.revokedAt) return { revoked: { id: existing.id, at: existing.revokedAt } };
    const current =
      existing &&
      !isLegacyHash(existing.secretHash) &&
      (await verifySecret(configured.clientSecret, existing.secretHash));
    // the upsert never clears a revocation, so a revocation made meanwhile stands
    if (!current)
      await createClient(repo, {
        id: configured.clientId,
        secret: configured.clientSecret,
        name: 'admin (configured)',
        authorities: ['ORG_ADMIN'],
        scopes: [ALL_SCOPES],
      });
    return undefined;
  }
  if ((await repo.list()).length > 0) return undefined;
  const { client, secret } = await createClient(repo, {
    name: 'admin',
    authorities: ['ORG_ADMIN'],
    scopes: [ALL_SCOPES],
  });
  return { created: { id: client.id, secret } };
}

/** May this client's tokens still be used? Not when it is revoked, nor when it no longer exists (fail closed). */
export async function isClientRevoked(repo: Pick<ApiClientRepository, 'findById'>, id: string): Promise<boolean> {
  const client = await repo.findById(id);
  return !client || client.revokedAt != null;
}
