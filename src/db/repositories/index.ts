import type { Kysely } from 'kysely';
import type { Repositories } from '../../domain/context.js';
import { mapDatabaseError } from '../errors.js';
import type { DB } from '../types.js';
import { accountRepository } from './accounts.js';
import { auditRepository } from './audit.js';
import { identityRepository } from './identities.js';
import { identityProfileRepository } from './identity-profiles.js';
import { sourceRepository } from './sources.js';
import { taskRepository } from './tasks.js';
import { transformRepository } from './transforms.js';

export interface RepositoryOptions {
  /** The job queue's (pg-boss's) schema: the task sweep looks there for a task's live jobs. */
  jobSchema?: string;
}

/** All repositories bound to one connection pool or one transaction. */
export function createRepositories(db: Kysely<DB>, options: RepositoryOptions = {}): Repositories {
  return {
    profiles: identityProfileRepository(db),
    sources: sourceRepository(db),
    tasks: taskRepository(db, options.jobSchema),
    audit: auditRepository(db),
    transforms: transformRepository(db),
    accounts: accountRepository(db),
    identities: identityRepository(db),
  };
}

/** Runs `fn` in one transaction with repositories bound to it; SQLSTATEs become domain errors. */
export function transactionRunner(db: Kysely<DB>, options: RepositoryOptions = {}) {
  return async <T>(fn: (repos: Repositories) => Promise<T>): Promise<T> => {
    try {
      return await db.transaction().execute((trx) => fn(createRepositories(trx, options)));
    } catch (e) {
      throw mapDatabaseError(e);
    }
  };
}
