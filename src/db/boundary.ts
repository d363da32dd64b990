import { mapDatabaseError } from './errors.js';

/**
 * The edge between storage and the rest of the server: every method of `api` (a repository, the
 * job queue) rejects with domain errors (`AppError`) instead of the driver's — SQLSTATEs and lost
 * connections translated by `mapDatabaseError`. So the domain, the jobs and the HTTP layer never
 * see a `pg` or PGlite error, and nothing outside `db/` reads a SQLSTATE. A lost connection stays
 * recognisable as one (`isConnectionFailure` follows the error's `cause`): jobs rerun after an
 * outage through it. Errors that are not the database's (our own, a caller's callback's) pass
 * as they are.
 */
export function throughBoundary<T extends object>(api: T): T {
  const translated: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(api)) {
    translated[name] =
      typeof member === 'function' ? translating(member as (...args: unknown[]) => unknown, api) : member;
  }
  return translated as T;
}

function translating(method: (...args: unknown[]) => unknown, self: object) {
  return (...args: unknown[]) => {
    let result: unknown;
    try {
      result = method.apply(self, args);
    } catch (e) {
      throw mapDatabaseError(e);
    }
    return result instanceof Promise ? result.catch(rethrowTranslated) : result;
  };
}

const rethrowTranslated = (e: unknown): never => {
  throw mapDatabaseError(e);
};
