/**
 * Migration 0013 checks the references of accounts and identities once per statement instead of
 * with row-by-row foreign keys. These tests hold the checks to what the keys guaranteed: a missing
 * reference fails with the key's SQLSTATE and name, deleting what is referenced does the key's
 * action, and (PostgreSQL) a delete racing an insert that references the row either waits for it
 * or makes it fail — never leaves a dangling reference.
 */
import pg from 'pg';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, migrateToLatest, type Database } from '../../src/db/database.js';
import { DATABASES, dropSchemas, POSTGRES_URL, postgresReachable, uniqueSchema } from '../helpers/databases.js';

const PG_UP = await postgresReachable();

async function seed(db: Kysely<any>, tag: string) {
  await sql`insert into sources (id, name) values (${`s-${tag}`}, ${`source ${tag}`})`.execute(db);
  await sql`insert into identity_profiles (id, name, priority, authoritative_source_id, identity_attribute_config, has_time_based_attr, json_head, json_tail)
            values (${`p-${tag}`}, ${`profile ${tag}`}, 10, ${`s-${tag}`}, '{}', false, '{}', '{}')`.execute(db);
  await sql`insert into identities (id, name, profile_id) values (${`i-${tag}`}, ${`identity ${tag}`}, ${`p-${tag}`})`.execute(
    db,
  );
  await sql`insert into accounts (id, source_id, native_identity, name, identity_id) values (${`a-${tag}`}, ${`s-${tag}`}, ${tag}, ${tag}, ${`i-${tag}`})`.execute(
    db,
  );
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: { code?: string; constraint?: string; detail?: string }) => e,
  );

for (const kind of DATABASES) {
  describe.skipIf(kind === 'postgres' && !PG_UP)(`references checked per statement [${kind}]`, () => {
    let database: Database;
    let db: Kysely<any>;
    const schema = kind === 'postgres' ? uniqueSchema('refs') : undefined;
    beforeAll(async () => {
      database = await createDatabase(
        kind === 'postgres' ? { databaseUrl: POSTGRES_URL, schema, poolSize: 4 } : { dataDir: 'memory://' },
      );
      await migrateToLatest(database);
      db = database.db as Kysely<any>;
    });
    afterAll(async () => {
      await database?.close();
      if (schema) await dropSchemas(schema);
    });

    it('an account naming a missing source or identity fails as the foreign key did', async () => {
      await seed(db, 'm');
      const noSource = await failure(
        sql`insert into accounts (id, source_id, native_identity, name) values ('a-x', 's-missing', 'x', 'x')`.execute(
          db,
        ),
      );
      expect(noSource).toMatchObject({
        code: '23503',
        constraint: 'accounts_source_id_fkey',
        detail: 'Key (source_id)=(s-missing) is not present in table "sources".',
      });
      // one bad row among good ones fails the whole statement
      const noIdentity = await failure(
        sql`insert into accounts (id, source_id, native_identity, name, identity_id)
        values ('a-y', 's-m', 'y', 'y', 'i-m'), ('a-z', 's-m', 'z', 'z', 'i-missing')`.execute(db),
      );
      expect(noIdentity).toMatchObject({ code: '23503', constraint: 'accounts_identity_id_fkey' });
      const moved = await failure(sql`update accounts set identity_id = 'i-gone' where id = 'a-m'`.execute(db));
      expect(moved).toMatchObject({ code: '23503', constraint: 'accounts_identity_id_fkey' });
      const noProfile = await failure(
        sql`insert into identities (id, name, profile_id) values ('i-x', 'x', 'p-missing')`.execute(db),
      );
      expect(noProfile).toMatchObject({ code: '23503', constraint: 'identities_profile_id_fkey' });
      const reassigned = await failure(
        sql`update identities set profile_id = 'p-missing' where id = 'i-m'`.execute(db),
      );
      expect(reassigned).toMatchObject({ code: '23503', constraint: 'identities_profile_id_fkey' });
      const { rows } = await sql<{
        n: number;
      }>`select count(*)::int as n from accounts where source_id = 's-m'`.execute(db);
      expect(rows[0].n).toBe(1);
    });

    it('deleting what is referenced does what the key did: cascade, set null, refuse', async () => {
      await seed(db, 'd');
      await sql`delete from identities where id = 'i-d'`.execute(db);
      const released = await sql<{
        identityId: string | null;
      }>`select identity_id from accounts where id = 'a-d'`.execute(db);
      expect(released.rows).toEqual([{ identityId: null }]);
      await sql`insert into identities (id, name, profile_id) values ('i-d2', 'd2', 'p-d')`.execute(db);
      const kept = await failure(sql`delete from identity_profiles where id = 'p-d'`.execute(db));
      expect(kept).toMatchObject({
        code: '23503',
        constraint: 'identities_profile_id_fkey',
        detail: 'Key (id)=(p-d) is still referenced from table "identities".',
      });
      await sql`delete from identities where id = 'i-d2'`.execute(db);
      await sql`delete from identity_profiles where id = 'p-d'`.execute(db);
      await sql`delete from sources where id = 's-d'`.execute(db);
      const { rows } = await sql<{
        n: number;
      }>`select count(*)::int as n from accounts where source_id = 's-d'`.execute(db);
      expect(rows[0].n).toBe(0);
    });

    it.skipIf(kind !== 'postgres')(
      'a delete racing an insert that references the row: it waits for it, or the insert fails',
      async () => {
        await seed(db, 'r');
        const session = async () => {
          const c = new pg.Client({ connectionString: POSTGRES_URL });
          await c.connect();
          await c.query(`set search_path to ${schema}`);
          return c;
        };
        const [inserter, deleter, watcher] = await Promise.all([session(), session(), session()]);
        /** Waits (bounded) until `client`'s backend waits for a lock. */
        const waitsForLock = async (client: pg.Client) => {
          const pid = (client as unknown as { processID: number }).processID;
          for (let i = 0; i < 500; i++) {
            const { rows } = await watcher.query(`select wait_event_type from pg_stat_activity where pid = $1`, [pid]);
            if (rows[0]?.wait_event_type === 'Lock') return;
          }
          throw new Error('the session never waited for a lock');
        };
        try {
          // 1. the insert first: the delete of its identity waits, then releases the new account
          await inserter.query('begin');
          await inserter.query(
            `insert into accounts (id, source_id, native_identity, name, identity_id) values ('a-r2', 's-r', 'r2', 'r2', 'i-r')`,
          );
          const deleting = deleter.query(`delete from identities where id = 'i-r'`);
          await waitsForLock(deleter);
          await inserter.query('commit');
          await deleting;
          const { rows } = await watcher.query(
            `select id, identity_id from accounts where source_id = 's-r' order by id`,
          );
          expect(rows).toEqual([
            { id: 'a-r', identity_id: null },
            { id: 'a-r2', identity_id: null },
          ]);

          // 2. the delete first: the insert naming the deleted source waits, then fails
          await watcher.query(`insert into sources (id, name) values ('s-r2', 'second source r')`);
          await deleter.query('begin');
          await deleter.query(`delete from sources where id = 's-r2'`);
          const inserting = failure(
            inserter.query(
              `insert into accounts (id, source_id, native_identity, name) values ('a-r3', 's-r2', 'r3', 'r3')`,
            ),
          );
          await waitsForLock(inserter);
          await deleter.query('commit');
          expect(await inserting).toMatchObject({ code: '23503', constraint: 'accounts_source_id_fkey' });
          const left = await watcher.query(`select count(*)::int as n from accounts where source_id = 's-r2'`);
          expect(left.rows[0].n).toBe(0);

          // 3. the same for an identity deleted while an account naming it is inserted
          await watcher.query(`insert into identities (id, name, profile_id) values ('i-r4', 'r4', 'p-r')`);
          await deleter.query('begin');
          await deleter.query(`delete from identities where id = 'i-r4'`);
          const placing = failure(
            inserter.query(
              `insert into accounts (id, source_id, native_identity, name, identity_id) values ('a-r4', 's-r', 'r4', 'r4', 'i-r4')`,
            ),
          );
          await waitsForLock(inserter);
          await deleter.query('commit');
          expect(await placing).toMatchObject({
            code: '23503',
            constraint: 'accounts_identity_id_fkey',
            detail: 'Key (identity_id)=(i-r4) is not present in table "identities".',
          });
        } finally {
          await Promise.all([inserter.end(), deleter.end(), watcher.end()]);
        }
      },
    );
  });
}
