import type { IdentityProfile } from '../../domain/identity-profiles/schema.js';

/**
 * An identity profile's API JSON, written without parsing the stored JSON columns (lists: Node
 * sends the text as it is, instead of parsing 50 rows and their configurations only to serialize
 * them again). PostgreSQL hands over the JSON columns as text (`jsonb` → text is cheap there, and
 * `JSON.parse` + serialize is not cheap here) and the dates as epoch milliseconds; Node writes
 * the rest. It must say what the response serializer says for the same row: the same fields,
 * dates as `Date.toISOString()` writes them, the stored JSON columns as they are — which is why
 * `storedShape` stores them with exactly the keys the API schema serves.
 * Columns of `identity_profiles ip` joined with `sources s`, named as `profileJson` reads them.
 */
export const PROFILE_JSON_COLUMNS = `ip.id, ip.name, floor(extract(epoch from ip.created) * 1000)::float8 as "createdMs",
  floor(extract(epoch from ip.modified) * 1000)::float8 as "modifiedMs", ip.description, ip.owner_id as "ownerId", ip.owner_name as "ownerName",
  ip.priority, ip.authoritative_source_id as "sourceId", s.name as "sourceName", ip.identity_refresh_required as "refreshRequired",
  ip.identity_count as "identityCount", ip.identity_attribute_config::text as config, ip.identity_exception_report_reference::text as report,
  ip.has_time_based_attr as "hasTimeBasedAttr"`;

export interface ProfileJsonRow {
  id: string;
  name: string;
  createdMs: number;
  modifiedMs: number;
  description: string | null;
  ownerId: string | null;
  ownerName: string | null;
  priority: number;
  sourceId: string;
  sourceName: string;
  refreshRequired: boolean;
  identityCount: number;
  config: string;
  report: string | null;
  hasTimeBasedAttr: boolean;
}

const str = JSON.stringify;
const iso = (ms: number) => new Date(Number(ms)).toISOString();

/** The API JSON of one profile (field order and values as the response serializer writes them). */
export function profileJson(r: ProfileJsonRow): string {
  const owner = r.ownerId ? `{"type":"IDENTITY","id":${str(r.ownerId)},"name":${str(r.ownerName ?? '')}}` : 'null';
  return `{"id":${str(r.id)},"name":${str(r.name)},"created":"${iso(r.createdMs)}","modified":"${iso(r.modifiedMs)}",` +
    `"description":${r.description === null ? 'null' : str(r.description)},"owner":${owner},"priority":${Number(r.priority)},` +
    `"authoritativeSource":{"type":"SOURCE","id":${str(r.sourceId)},"name":${str(r.sourceName)}},` +
    `"identityRefreshRequired":${r.refreshRequired === true},"identityCount":${Number(r.identityCount)},` +
    `"identityAttributeConfig":${r.config},"identityExceptionReportReference":${r.report ?? 'null'},"hasTimeBasedAttr":${r.hasTimeBasedAttr === true}}`;
}

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
