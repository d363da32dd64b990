import { sql, type Kysely } from 'kysely';

/**
 * A source's account delete threshold (ISC's `deleteThreshold`, a percentage): a load that would
 * remove more than this share of the source's accounts applies nothing. Existing sources get
 * the default, 10. Frozen in time.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table sources add column delete_threshold integer not null default 10
      constraint sources_delete_threshold_percent check (delete_threshold between 0 and 100)`.execute(db);
}
