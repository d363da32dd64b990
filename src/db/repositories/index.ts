import { sql, type Kysely } from 'kysely';
import type { Repositories, TransactionScope } from '../../domain/context.js';
import { throughBoundary } from '../boundary.js';
import { mapDatabaseError } from '../errors.js';
import type { DB } from '../types.js';
import { accountRepository } from './accounts.js';
import { auditRepository } from './audit.js';
import { apiClientRepository } from './clients.js';
import { identityRepository } from './identities.js';
import { identityProfileRepository } from './identity-profiles.js';
import { lifecycleStateRepository } from './lifecycle-states.js';
import { sourceRepository } from './sources.js';
import { taskRepository } from './tasks.js';
import { transformRepository } from './transforms.js';

export interface RepositoryOptions {
  /** The job queue's (pg-boss's) schema: the task sweep looks there for a task's live jobs. */
  jobSchema?: string;
}

/** All repositories bound to one connection pool or one transaction; they reject with domain errors only. */
export function createRepositories(db: Kysely<DB>, options: RepositoryOptions = {}): Repositories {
  return {
    profiles: throughBoundary(identityProfileRepository(db)),
    sources: throughBoundary(sourceRepository(db)),
    tasks: throughBoundary(taskRepository(db, options.jobSchema)),
    audit: throughBoundary(auditRepository(db)),
    transforms: throughBoundary(transformRepository(db)),
    accounts: throughBoundary(accountRepository(db)),
    identities: throughBoundary(identityRepository(db)),
    lifecycleStates: throughBoundary(lifecycleStateRepository(db)),
  };
}

/** The API clients (the server's credentials), rejecting with domain errors only (for requests; the CLI uses `apiClientRepository`). */
export const createClientRepository = (db: Kysely<DB>) => throughBoundary(apiClientRepository(db));

/** Runs `fn` in one transaction with repositories bound to it; SQLSTATEs become domain errors. */
export function transactionRunner(db: Kysely<DB>, options: RepositoryOptions = {}) {
  return async <T>(fn: (repos: Repositories, scope: TransactionScope) => Promise<T>): Promise<T> => {
    try {
      return await db
        .transaction()
        .execute((trx) => fn(createRepositories(trx, options), { attempt: savepoints(trx) }));
    } catch (e) {
      throw mapDatabaseError(e);
    }
  };
}

/**
 * `TransactionScope.attempt`: each attempt is a savepoint, rolled back to when it fails (a
 * statement that failed has aborted the transaction; rolling back to the savepoint resumes it).
 * One at a time: a transaction is one connection, and attempts run one after the other.
 */
function savepoints(trx: Kysely<DB>): TransactionScope['attempt'] {
  let count = 0;
  return async (fn) => {
    const name = sql.raw(`attempt_${++count}`);
    await sql`savepoint ${name}`.execute(trx);
    try {
      const result = await fn();
      await sql`release savepoint ${name}`.execute(trx);
      return result;
    } catch (e) {
      await sql`rollback to savepoint ${name}`.execute(trx);
      throw mapDatabaseError(e);
    }
  };
}
