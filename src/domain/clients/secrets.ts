import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (
  password: Buffer,
  salt: Buffer,
  keylen: number,
  options: object,
) => Promise<Buffer>;
const PARAMS = { N: 16384, r: 8, p: 1 };
/** scrypt of the secret's SHA-256 (see `scryptInput`); `scrypt` is the first format, scrypt of the secret itself. */
const KIND = 'scrypt-sha256';
const LEGACY_KIND = 'scrypt';

/**
 * What scrypt is given for a secret. scrypt keys HMAC-SHA256 with its password, and HMAC pads a
 * key shorter than 64 bytes with zero bytes: `s` and `s\0` were the same password, so a secret
 * with a trailing NUL was accepted. A SHA-256 digest is always 32 bytes, so no two secrets give
 * scrypt the same key (short of a SHA-256 collision).
 */
const scryptInput = (secret: string) => createHash('sha256').update(secret, 'utf8').digest();

/** `scrypt-sha256$N$r$p$salt$hash` (base64url); secrets are never stored in clear. */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(scryptInput(secret), salt, 32, PARAMS);
  return [KIND, PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/**
 * A stored hash no secret matches, with the current parameters: checking a secret against it
 * costs what checking a real client's does, so an unknown client id answers as slowly as a
 * wrong secret (the time must not tell whether an id exists).
 */
export const UNMATCHABLE_HASH = [
  KIND,
  PARAMS.N,
  PARAMS.r,
  PARAMS.p,
  Buffer.alloc(16).toString('base64url'),
  Buffer.alloc(32).toString('base64url'),
].join('$');

/** Is `secret` exactly the one `stored` was made from? The hashes are compared in constant time. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if ((kind !== KIND && kind !== LEGACY_KIND) || !salt || !hash) return false;
  const password = kind === KIND ? scryptInput(secret) : Buffer.from(secret, 'utf8');
  // the first format's hashes cannot tell `s` from `s\0…`; no stored secret ends with NUL (generated ones are hex)
  if (kind === LEGACY_KIND && password.at(-1) === 0) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return timingSafeEqual(actual, expected);
}

/** Was `stored` made by an older format, to be replaced when the secret is next at hand? */
export const isLegacyHash = (stored: string) => stored.startsWith(`${LEGACY_KIND}$`);

/** A new random credential: 32 hex characters for ids, 64 for secrets (as ISC's PATs). */
export const randomHex = (bytes: number) => randomBytes(bytes).toString('hex');
