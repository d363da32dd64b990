import { sql, type Kysely } from 'kysely';

/**
 * Each identity profile stores its API JSON in two parts (see db/repositories/identity-profile-json.ts):
 * `json_head` (id … the authoritative source's id) and `json_tail` (identityAttributeConfig …),
 * written with the row from now on. Existing rows are filled here with the same text but for the
 * spacing inside the stored configuration (PostgreSQL's `jsonb` → text), which the next write
 * of the row replaces; the values are the same.
 *
 * The rows are about twice as wide now (~1.7 kB with three mappings), so fillfactor 90 no longer
 * leaves room on a page for a row's next version and most PATCHes stopped being HOT updates (half
 * of them in bench/api); pages are filled to 60 % instead, which leaves room for two.
 */
/** The statement that fills the parts from the columns (exported for the test that compares it with the writes). */
export const BACKFILL = `
    update identity_profiles set
      json_head = '{"id":' || to_json(id)::text || ',"name":' || to_json(name)::text
        || ',"created":"' || to_char(created at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
        || '","modified":"' || to_char(modified at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
        || '","description":' || coalesce(to_json(description)::text, 'null')
        || ',"owner":' || case when owner_id is null then 'null'
             else '{"type":"IDENTITY","id":' || to_json(owner_id)::text || ',"name":' || to_json(coalesce(owner_name, ''))::text || '}' end
        || ',"priority":' || priority::text
        || ',"authoritativeSource":{"type":"SOURCE","id":' || to_json(authoritative_source_id)::text || ',',
      json_tail = '"identityAttributeConfig":' || identity_attribute_config::text
        || ',"identityExceptionReportReference":' || coalesce(identity_exception_report_reference::text, 'null')
        || ',"hasTimeBasedAttr":' || case when has_time_based_attr then 'true' else 'false' end || '}'`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table identity_profiles add column json_head text, add column json_tail text`.execute(db);
  await sql.raw(BACKFILL).execute(db);
  await sql`alter table identity_profiles alter column json_head set not null, alter column json_tail set not null`.execute(
    db,
  );
  await sql`alter table identity_profiles set (fillfactor = 60)`.execute(db);
}
