import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../src/db/database.js';
import { isConnectionFailure, mapDatabaseError } from '../../src/db/errors.js';
import { asBulk } from '../../src/db/lanes.js';
import { dropSchemas, POSTGRES_URL, postgresReachable, uniqueSchema } from '../helpers/databases.js';

const reachable = await postgresReachable();

/** A transaction that holds its connection until `release` (what a long list or a chunk does). */
function hold(database: Database) {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let started!: () => void;
  const holding = new Promise<void>((r) => (started = r));
  const done = database.db.transaction().execute(async (trx) => {
    await sql`select 1`.execute(trx);
    started();
    await gate;
  });
  return { holding, release, done };
}

/**
 * The pool keeps connections for work that is not bulk: with every shared connection held by
 * lists or jobs and more of them waiting, a read by id still gets one at once; the bulk work
 * waiting gets the next shared connection freed, or gives up after the connect timeout with a
 * connection-class error (a 503).
 */
describe.skipIf(!reachable)('PostgreSQL pool lanes', () => {
  const schema = uniqueSchema('lanes');
  let database: Database;
  beforeAll(async () => {
    database = await createDatabase({
      databaseUrl: POSTGRES_URL,
      schema,
      poolSize: 4,
      reservedConnections: 2,
      connectTimeoutMs: 1_000,
    });
  });
  afterAll(async () => {
    await database?.close();
    await dropSchemas(schema);
  });

  it('answers other work while bulk work holds every connection it may use', async () => {
    const first = asBulk(() => hold(database), { patient: true });
    const second = asBulk(() => hold(database), { patient: true });
    await Promise.all([first.holding, second.holding]);
    // a third and a fourth wait for a shared connection (before, they took the last two)
    const third = asBulk(() => hold(database), { patient: true });
    const fourth = asBulk(() => hold(database), { patient: true });
    let thirdStarted = false;
    void third.holding.then(() => (thirdStarted = true));

    const byId = await sql<{ one: number }>`select 1 as one`.execute(database.db);
    expect(byId.rows).toEqual([{ one: 1 }]);
    const alsoById = await Promise.all([1, 2].map(() => sql`select 2`.execute(database.db)));
    expect(alsoById).toHaveLength(2);
    expect(thirdStarted).toBe(false);

    // a list request waits at most the connect timeout, then gives up as a 503
    const impatient = await asBulk(() => sql`select 3`.execute(database.db)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isConnectionFailure(impatient)).toBe(true);
    expect(mapDatabaseError(impatient)).toMatchObject({ status: 503, headers: { 'Retry-After': '5' } });

    first.release();
    await third.holding; // the connection freed went to the bulk work waiting first
    second.release();
    await fourth.holding;
    third.release();
    fourth.release();
    await Promise.all([first.done, second.done, third.done, fourth.done]);
  });
});
