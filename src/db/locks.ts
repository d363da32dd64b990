/**
 * Advisory lock keys shared by the database's triggers and our statements.
 *
 * INPUTS_LOCK: between changes of accounts (taken exclusively by the accounts triggers of
 * migrations 0006 and 0011) and processing chunks (shared, from a chunk's read to its commit).
 * The migrations wrote this number into their trigger functions, so it never changes; runtime code
 * reads it from here rather than importing a migration (test/integration/identities/inputs-lock.test.ts
 * holds the lock with this constant and sees the triggers wait for it).
 */
export const INPUTS_LOCK = 7_318_900_112;
