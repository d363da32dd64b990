import { CompiledQuery } from 'kysely';
import { batchedCalls } from '../batched-calls.js';
import { prepared } from '../database.js';
import type { IdentityProfile } from '../../domain/identity-profiles/schema.js';
import type { AuditEntry } from '../../domain/audit/repository.js';
import { jsonParts, storedShape, TENANT_FILTER } from './identity-profile-json.js';

/** Runs hand-written SQL (no camel-case plugin). */
export type RawExecutor = (query: CompiledQuery) => Promise<{ rows: any[] }>;

const UPDATE_SQL = `update identity_profiles set name = $3, description = $4, owner_type = $5, owner_id = $6,
  owner_name = $7, priority = $8, authoritative_source_id = $9, identity_attribute_config = $10, identity_exception_report_reference = $11,
  has_time_based_attr = $12, identity_refresh_required = $13, identity_count = $14, modified = $15, json_head = $16, json_tail = $17 where tenant_id = $1 and id = $2`;
/** The PATCH write in a transaction (the row locked). */
export const UPDATE = prepared('identity_profile_update', UPDATE_SQL);
/**
 * Optimistic update: writes only if the row is still the version that was read (`xmin`, the id of
 * the transaction that wrote it, changes with every write), and records the audit entry in the
 * same statement (one round trip, atomic without BEGIN/COMMIT).
 */
const UPDATE_IF_VERSION = prepared('identity_profile_update_if_version', `with updated as (${UPDATE_SQL} and xmin = $18::xid returning id)
  insert into audit_log (tenant_id, entity_type, entity_id, action, actor, detail) select $1, 'IDENTITY_PROFILE', id, 'update', $19, $20::jsonb from updated returning id`);
/** The same for several profiles at once (group commit: one statement, one commit). */
export const UPDATE_MANY_IF_VERSION = prepared('identity_profiles_update_if_version', `with input as (
    select * from jsonb_to_recordset($2::jsonb) as x(id text, version text, name text, description text, owner_type text, owner_id text,
      owner_name text, priority int, authoritative_source_id text, identity_attribute_config jsonb, identity_exception_report_reference jsonb,
      has_time_based_attr boolean, identity_refresh_required boolean, identity_count int, modified timestamptz, json_head text, json_tail text, actor text, detail jsonb)
  ), updated as (
    update identity_profiles ip set name = i.name, description = i.description, owner_type = i.owner_type, owner_id = i.owner_id,
      owner_name = i.owner_name, priority = i.priority, authoritative_source_id = i.authoritative_source_id,
      identity_attribute_config = i.identity_attribute_config, identity_exception_report_reference = i.identity_exception_report_reference,
      has_time_based_attr = i.has_time_based_attr, identity_refresh_required = i.identity_refresh_required, identity_count = i.identity_count,
      modified = i.modified, json_head = i.json_head, json_tail = i.json_tail
    from input i where ip.id = any($3::text[]) and ${TENANT_FILTER} and ip.id = i.id and ip.xmin = i.version::xid returning ip.id
  )
  insert into audit_log (tenant_id, entity_type, entity_id, action, actor, detail)
  select $1, 'IDENTITY_PROFILE', u.id, 'update', i.actor, i.detail from updated u join input i on i.id = u.id returning entity_id`);

/** A profile as its columns are stored (with its API JSON's stored parts: see identity-profile-json.ts). */
export function toRow(p: IdentityProfile) {
  const { head, tail } = jsonParts(p);
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    ownerType: p.owner ? 'IDENTITY' : null,
    ownerId: p.owner?.id ?? null,
    ownerName: p.owner?.name ?? null,
    priority: p.priority,
    authoritativeSourceId: p.authoritativeSource.id,
    identityAttributeConfig: JSON.stringify(storedShape.config(p.identityAttributeConfig)),
    identityExceptionReportReference: p.identityExceptionReportReference ? JSON.stringify(storedShape.reportReference(p.identityExceptionReportReference)) : null,
    hasTimeBasedAttr: p.hasTimeBasedAttr,
    identityRefreshRequired: p.identityRefreshRequired,
    identityCount: p.identityCount,
    created: p.created,
    modified: p.modified,
    jsonHead: head,
    jsonTail: tail,
  };
}

/** The parameters $1..$17 of UPDATE. */
export function updateValues(profile: IdentityProfile, tenantId: string): unknown[] {
  const r = toRow(profile);
  return [
    tenantId, r.id, r.name, r.description, r.ownerType, r.ownerId, r.ownerName, r.priority, r.authoritativeSourceId,
    r.identityAttributeConfig, r.identityExceptionReportReference, r.hasTimeBasedAttr, r.identityRefreshRequired, r.identityCount, r.modified,
    r.jsonHead, r.jsonTail,
  ];
}

interface VersionedWrite {
  profile: IdentityProfile;
  version: string;
  audit: Pick<AuditEntry, 'actor' | 'detail'>;
}

const json = (value: unknown) => (value === undefined ? 'null' : JSON.stringify(value));

/** One write as a record of UPDATE_MANY_IF_VERSION's input, written as JSON text around the JSON already written by `toRow`. */
function recordJson({ profile, version, audit }: VersionedWrite): string {
  const r = toRow(profile);
  return `{"id":${json(r.id)},"version":${json(version)},"name":${json(r.name)},"description":${json(r.description)},` +
    `"owner_type":${json(r.ownerType)},"owner_id":${json(r.ownerId)},"owner_name":${json(r.ownerName)},"priority":${json(r.priority)},` +
    `"authoritative_source_id":${json(r.authoritativeSourceId)},"identity_attribute_config":${r.identityAttributeConfig},` +
    `"identity_exception_report_reference":${r.identityExceptionReportReference ?? 'null'},"has_time_based_attr":${json(r.hasTimeBasedAttr)},` +
    `"identity_refresh_required":${json(r.identityRefreshRequired)},"identity_count":${json(r.identityCount)},"modified":${json(r.modified)},` +
    `"json_head":${json(r.jsonHead)},"json_tail":${json(r.jsonTail)},"actor":${json(audit.actor)},"detail":${json(audit.detail ?? null)}}`;
}

/**
 * `updateIfVersion` for a repository outside a transaction: the optimistic writes made in one
 * event-loop turn go to the database as one statement (one commit for all). A profile written
 * twice in one batch keeps the first; the second reports a conflict (its PATCH reads again). When
 * the statement fails (one row breaks a constraint), each write is run alone, so only its own
 * request fails.
 */
export function versionedWriter(raw: RawExecutor, tenantId: string) {
  const writeOne = async ({ profile, version, audit }: VersionedWrite): Promise<boolean> => {
    const values = [...updateValues(profile, tenantId), version, audit.actor, audit.detail === undefined ? null : JSON.stringify(audit.detail)];
    return (await raw(CompiledQuery.raw(UPDATE_IF_VERSION, values))).rows.length === 1;
  };
  const writeMany = async (writes: VersionedWrite[]): Promise<Array<boolean | { error: unknown }>> => {
    if (writes.length === 1) return [await writeOne(writes[0]).catch((error) => ({ error }))];
    const first = new Map<string, VersionedWrite>();
    for (const w of writes) if (!first.has(w.profile.id)) first.set(w.profile.id, w);
    const unique = [...first.values()];
    const records = `[${unique.map(recordJson).join(',')}]`;
    try {
      const { rows } = await raw(CompiledQuery.raw(UPDATE_MANY_IF_VERSION, [tenantId, records, unique.map((w) => w.profile.id)]));
      const written = new Set(rows.map((r: { entity_id: string }) => r.entity_id));
      return writes.map((w) => first.get(w.profile.id) === w && written.has(w.profile.id));
    } catch {
      return Promise.all(writes.map((w) => (first.get(w.profile.id) === w ? writeOne(w).catch((error) => ({ error })) : false)));
    }
  };
  const batched = batchedCalls(writeMany);
  return async (profile: IdentityProfile, version: string, audit: VersionedWrite['audit']): Promise<boolean> => {
    const result = await batched({ profile, version, audit });
    if (typeof result === 'object') throw result.error;
    return result;
  };
}
