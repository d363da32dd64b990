import type { IdentityProfile } from '../../domain/identity-profiles/schema.js';

/**
 * An identity profile's API JSON is stored with the row, written by Node in the statement that
 * writes the row (create, update, PATCH, import): `json_head` holds the fields up to the
 * authoritative source's id, `json_tail` those from `identityAttributeConfig` on. What other
 * statements change — the source's name (a rename), `identityRefreshRequired` and
 * `identityCount` (processing) — sits between the two and is read from its columns. GET and the
 * list hand over the stored text (no jsonb → text, no dates, no parse, no serializer), so every
 * statement that changes a served column other than those three must write the parts again
 * (`jsonParts`). The text is exactly what the response serializer writes for the profile.
 * Columns of `identity_profiles ip` joined with `sources s`, named as `profileJson` reads them.
 */
export const PROFILE_JSON_COLUMNS = `ip.id, ip.json_head as h, s.name as s, ip.identity_refresh_required as r, ip.identity_count as n, ip.json_tail as t`;

/**
 * The tenant condition of lookups by id (`ip`, tenant in `$1`), as a filter rather than an index
 * condition: every other index of the table leads with `tenant_id`, and on a table without
 * statistics (never analyzed: a new tenant, or autovacuum off) the planner ANDed a bitmap of the
 * tenant's whole index with the ids' — 2,000 index entries read per batch, 0.3–0.8 ms instead of
 * ~0.1 ms. As a filter, the rows are found through the primary key only.
 */
export const TENANT_FILTER = '(ip.tenant_id = $1) is true';

export interface ProfileJsonRow {
  id: string;
  /** `json_head`, `sources.name`, `identity_refresh_required`, `identity_count`, `json_tail`. */
  h: string;
  s: string;
  r: boolean;
  n: number;
  t: string;
}

const str = JSON.stringify;

/** The API JSON of one profile from its stored parts. */
export function profileJson(r: ProfileJsonRow): string {
  return `${r.h}"name":${str(r.s)}},"identityRefreshRequired":${r.r === true},"identityCount":${Number(r.n)},${r.t}`;
}

/**
 * `profileJson` in SQL, for statements that assemble the text in the database (the list: one
 * column per profile to hand over instead of seven). The same text:
 * PostgreSQL's `to_json` escapes a text as `JSON.stringify` does (stored-json.test.ts compares the
 * two with control characters, quotes and non-ASCII names).
 */
export const PROFILE_JSON_SQL = `ip.json_head || '"name":' || to_json(s.name)::text || '},"identityRefreshRequired":' ||
  case when ip.identity_refresh_required then 'true' else 'false' end || ',"identityCount":' || ip.identity_count || ',' || ip.json_tail`;

/** The stored parts of a profile's API JSON (field order and values as the response serializer writes them). */
export function jsonParts(p: IdentityProfile): { head: string; tail: string } {
  const report = p.identityExceptionReportReference ? str(storedShape.reportReference(p.identityExceptionReportReference)) : 'null';
  return {
    head: jsonHead(p),
    tail: `"identityAttributeConfig":${str(storedShape.config(p.identityAttributeConfig))},"identityExceptionReportReference":${report},` +
      `"hasTimeBasedAttr":${p.hasTimeBasedAttr === true}}`,
  };
}

/** The stored `json_head` of a profile (see `jsonParts`). */
export function jsonHead(p: IdentityProfile): string {
  const owner = p.owner ? `{"type":"IDENTITY","id":${str(p.owner.id)},"name":${str(p.owner.name ?? '')}}` : 'null';
  return `{"id":${str(p.id)},"name":${str(p.name)},"created":${str(iso(p.created))},"modified":${str(iso(p.modified))},` +
    `"description":${p.description === null || p.description === undefined ? 'null' : str(p.description)},"owner":${owner},"priority":${Number(p.priority)},` +
    `"authoritativeSource":{"type":"SOURCE","id":${str(p.authoritativeSource.id)},`;
}

/** The profile's API JSON, as `profileJson` reads it back after the write (PATCH answers with it). */
export function wholeJson(p: IdentityProfile, parts = jsonParts(p)): string {
  return profileJson({ id: p.id, h: parts.head, s: p.authoritativeSource.name, r: p.identityRefreshRequired, n: p.identityCount, t: parts.tail });
}

/** Date-times as the serializer writes them (`Date.toISOString()`, milliseconds); most already are (read back, or just made). */
const iso = (t: string) => (ISO.test(t) ? t : new Date(t).toISOString());
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

type Config = IdentityProfile['identityAttributeConfig'];
type ReportReference = IdentityProfile['identityExceptionReportReference'];

/**
 * The JSON columns with only the keys the API schema declares (the response serializer drops
 * any other key a client sent; stored like this, PostgreSQL can serve the column as it is).
 */
export const storedShape = {
  config: (c: Config): Config => ({
    enabled: c.enabled,
    attributeTransforms: c.attributeTransforms.map(({ identityAttributeName, transformDefinition: { type, attributes } }) => ({
      identityAttributeName,
      transformDefinition: attributes === undefined ? { type } : { type, attributes },
    })),
  }),
  reportReference: (r: ReportReference): ReportReference => (r ? { taskResultId: r.taskResultId, reportName: r.reportName } : null),
};
