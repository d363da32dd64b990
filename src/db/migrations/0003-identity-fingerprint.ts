import { sql, type Kysely } from 'kysely';

/** The input fingerprint an identity was last processed with (lets unchanged identities be skipped). Frozen in time. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table identities add column input_fingerprint text`.execute(db);
}
