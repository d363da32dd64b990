import type { IdentityProfile } from '../../domain/identity-profiles/schema.js';

/**
 * Where an identity profile's API JSON text comes from for the routes that send it as it is (GET
 * by id and the list: see http/routes/identity-profiles.ts). One writer, one reader:
 *
 * - `jsonParts` (Node) writes the text of the fields the row's own writes decide, in two parts
 *   stored with the row by every statement that writes it (insert, update): `json_head` holds the
 *   fields up to the authoritative source's id, `json_tail` those from `identityAttributeConfig` on.
 * - `PROFILE_JSON_SQL` (PostgreSQL) puts the whole text together when a row is read: the parts,
 *   and between them what other statements change — the source's name (a rename),
 *   `identityRefreshRequired` and `identityCount` (placement, processing) — from their columns.
 *
 * The text is the response serializer's for the same profile (field order, escapes, dates with
 * milliseconds, only the keys the schema declares): `stored-json.test.ts` checks every write path
 * against the serializer and `to_json` against `JSON.stringify`. So a statement that changes any
 * other served column must write the parts too (`toRow`).
 */
export const PROFILE_JSON_SQL = `ip.json_head || '"name":' || to_json(s.name)::text || '},"identityRefreshRequired":' ||
  case when ip.identity_refresh_required then 'true' else 'false' end || ',"identityCount":' || ip.identity_count || ',' || ip.json_tail`;

const str = JSON.stringify;

/**
 * The stored parts of a profile's API JSON, and the JSON columns' text (see `storedShape`), each
 * written once; without `tail`, only the head (a write that keeps the stored tail).
 */
export function jsonParts(
  p: IdentityProfile,
  { tail = true } = {},
): { head: string; tail: string; config: string; reportReference: string | null } {
  const owner = p.owner ? `{"type":"IDENTITY","id":${str(p.owner.id)},"name":${str(p.owner.name ?? '')}}` : 'null';
  const head =
    `{"id":${str(p.id)},"name":${str(p.name)},"created":${str(iso(p.created))},"modified":${str(iso(p.modified))},` +
    `"description":${p.description === null || p.description === undefined ? 'null' : str(p.description)},"owner":${owner},"priority":${Number(p.priority)},` +
    `"authoritativeSource":{"type":"SOURCE","id":${str(p.authoritativeSource.id)},`;
  if (!tail) return { head, tail: '', config: '', reportReference: null };
  const config = str(storedShape.config(p.identityAttributeConfig));
  const reportReference = p.identityExceptionReportReference
    ? str(storedShape.reportReference(p.identityExceptionReportReference))
    : null;
  return {
    head,
    tail: `"identityAttributeConfig":${config},"identityExceptionReportReference":${reportReference ?? 'null'},"hasTimeBasedAttr":${p.hasTimeBasedAttr === true}}`,
    config,
    reportReference,
  };
}

/** Date-times as the serializer writes them (`Date.toISOString()`, milliseconds); most already are (read back, or just made). */
const iso = (t: string) => (ISO.test(t) ? t : new Date(t).toISOString());
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

type Config = IdentityProfile['identityAttributeConfig'];
type ReportReference = IdentityProfile['identityExceptionReportReference'];

/**
 * The JSON columns with only the keys the API schema declares (the response serializer drops
 * any other key a client sent; stored like this, the columns say what the stored text says).
 */
export const storedShape = {
  config: (c: Config): Config => ({
    enabled: c.enabled,
    attributeTransforms: c.attributeTransforms.map(
      ({ identityAttributeName, transformDefinition: { type, attributes } }) => ({
        identityAttributeName,
        transformDefinition: attributes === undefined ? { type } : { type, attributes },
      }),
    ),
  }),
  reportReference: (r: ReportReference): ReportReference =>
    r ? { taskResultId: r.taskResultId, reportName: r.reportName } : null,
};
