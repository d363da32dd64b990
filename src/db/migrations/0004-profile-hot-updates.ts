import { sql, type Kysely } from 'kysely';

/**
 * PATCHes that change neither name, priority, source nor owner touch no indexed column, so
 * PostgreSQL can update the row in place (HOT: no new entry in any of the table's indexes): the
 * index on `modified` goes (sorting a tenant's profiles by `modified` is a sort of a few hundred
 * rows), and pages keep 10 % free for the new row versions.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists identity_profiles_modified`.execute(db);
  await sql`alter table identity_profiles set (fillfactor = 90)`.execute(db);
}
