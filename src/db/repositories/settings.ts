import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../types.js';

/**
 * The token signing key: made once, stored in the database so that restarts and every API
 * node share it. Concurrent first starts agree through ON CONFLICT.
 */
export async function loadSigningKey(db: Kysely<DB>): Promise<Uint8Array> {
  const candidate = randomBytes(32).toString('base64');
  await db
    .insertInto('settings')
    .values({ key: 'jwt_signing_key', value: JSON.stringify(candidate) })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', 'jwt_signing_key')
    .executeTakeFirstOrThrow();
  return Buffer.from(row.value as string, 'base64');
}
