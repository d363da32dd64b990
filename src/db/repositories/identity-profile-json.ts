import type { IdentityProfile } from '../../domain/identity-profiles/schema.js';

/**
 * An identity profile's API JSON, written by PostgreSQL (for lists: Node then sends the text as it
 * is, without parsing rows and stored configurations only to serialize them again). It must say
 * what the response serializer says for the same row: the same fields, dates as
 * `Date.toISOString()` writes them, and the stored JSON columns as they are — which is why
 * `storedShape` stores them with exactly the keys the API schema serves.
 * Columns of `identity_profiles ip` joined with `sources s`.
 */
export const PROFILE_JSON_SQL = `json_build_object(
  'id', ip.id, 'name', ip.name,
  'created', to_char(ip.created at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  'modified', to_char(ip.modified at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  'description', ip.description,
  'owner', case when ip.owner_id is null or ip.owner_id = '' then null else json_build_object('type', 'IDENTITY', 'id', ip.owner_id, 'name', coalesce(ip.owner_name, '')) end,
  'priority', ip.priority,
  'authoritativeSource', json_build_object('type', 'SOURCE', 'id', ip.authoritative_source_id, 'name', s.name),
  'identityRefreshRequired', ip.identity_refresh_required, 'identityCount', ip.identity_count,
  'identityAttributeConfig', ip.identity_attribute_config,
  'identityExceptionReportReference', ip.identity_exception_report_reference,
  'hasTimeBasedAttr', ip.has_time_based_attr)::text`;

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
