import { CompiledQuery } from 'kysely';
import { batchedCalls } from '../batched-calls.js';
import { prepared } from '../database.js';
import { isConnectionFailure } from '../errors.js';
import type { VersionedProfile } from '../../domain/identity-profiles/repository.js';
import type { IdentityProfile } from '../../domain/identity-profiles/schema.js';
import type { AuditEntry } from '../../domain/audit/repository.js';
import { jsonHead, jsonParts, storedShape, TENANT_FILTER, wholeJson } from './identity-profile-json.js';

/** Runs hand-written SQL (no camel-case plugin). */
export type RawExecutor = (query: CompiledQuery) => Promise<{ rows: any[] }>;

const UPDATE_SQL = `update identity_profiles set name = $3, description = $4, owner_type = $5, owner_id = $6,
  owner_name = $7, priority = $8, authoritative_source_id = $9, identity_attribute_config = $10, identity_exception_report_reference = $11,
  has_time_based_attr = $12, identity_refresh_required = $13, identity_count = $14, modified = $15, json_head = $16, json_tail = $17 where tenant_id = $1 and id = $2`;
/** The PATCH write in a transaction (the row locked). */
export const UPDATE = prepared('identity_profile_update', UPDATE_SQL);
/**
 * Optimistic updates, several profiles at once (group commit: one statement, one commit): each
 * row is written only if it is still the version that was read (`xmin`, the id of the transaction
 * that wrote it, changes with every write), and its audit entry is recorded in the same statement
 * (atomic without BEGIN/COMMIT). A record without `json_tail` leaves the fields stored in it as
 * they are (a PATCH that changes none of them sends none of them: the row keeps their stored,
 * already compressed values). `identity_count` is not written: the version check makes it the
 * value that was read. Answers the written rows' ids with their new version. (The audit insert
 * runs although the final select does not read it: PostgreSQL runs every data-modifying WITH.)
 */
export const UPDATE_MANY_IF_VERSION = prepared('identity_profiles_update_if_version', `with input as (
    select * from jsonb_to_recordset($2::jsonb) as x(id text, version text, name text, description text, owner_type text, owner_id text,
      owner_name text, priority int, authoritative_source_id text, identity_refresh_required boolean, modified timestamptz, json_head text,
      identity_attribute_config jsonb, identity_exception_report_reference jsonb, has_time_based_attr boolean, json_tail text, actor text, detail jsonb)
  ), updated as (
    update identity_profiles ip set name = i.name, description = i.description, owner_type = i.owner_type, owner_id = i.owner_id,
      owner_name = i.owner_name, priority = i.priority, authoritative_source_id = i.authoritative_source_id,
      identity_refresh_required = i.identity_refresh_required, modified = i.modified, json_head = i.json_head,
      identity_attribute_config = coalesce(i.identity_attribute_config, ip.identity_attribute_config),
      identity_exception_report_reference = case when i.json_tail is null then ip.identity_exception_report_reference else i.identity_exception_report_reference end,
      has_time_based_attr = coalesce(i.has_time_based_attr, ip.has_time_based_attr), json_tail = coalesce(i.json_tail, ip.json_tail)
    from input i where ip.id = any($3::text[]) and ${TENANT_FILTER} and ip.id = i.id and ip.xmin = i.version::xid returning ip.id, ip.xmin::text as v
  ), audited as (
    insert into audit_log (tenant_id, entity_type, entity_id, action, actor, detail)
    select $1, 'IDENTITY_PROFILE', u.id, 'update', i.actor, i.detail from updated u join input i on i.id = u.id
  )
  select id, v from updated`);

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

/**
 * Could one write's input have failed the whole statement? SQLSTATE class 22 (a value the database
 * refuses) or 23 (a constraint: a name another profile has, a transform deleted meanwhile). Never a
 * connection failure (whatever its code says: a class-08 cause wrapped in another error).
 */
export const causedByOneWrite = (e: unknown): boolean => {
  const code = (e as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23')) && !isConnectionFailure(e);
};

interface VersionedWrite {
  profile: IdentityProfile;
  read: VersionedProfile;
  audit: Pick<AuditEntry, 'actor' | 'detail'>;
}

const json = (value: unknown) => (value === undefined ? 'null' : JSON.stringify(value));

/** Are the fields stored in `json_tail` the ones that were read (the same values, as PATCH leaves what it does not touch)? */
const sameTail = (p: IdentityProfile, read: IdentityProfile) => p.identityAttributeConfig === read.identityAttributeConfig &&
  p.identityExceptionReportReference === read.identityExceptionReportReference && p.hasTimeBasedAttr === read.hasTimeBasedAttr;

/** One write as a record of UPDATE_MANY_IF_VERSION's input (JSON text around the JSON already written), with the stored JSON parts it writes. */
function record({ profile: p, read, audit }: VersionedWrite): { record: string; parts: { head: string; tail: string } } {
  const kept = sameTail(p, read.profile);
  const parts = kept ? { head: jsonHead(p), tail: read.tail } : jsonParts(p);
  const tailFields = kept ? '' : `"identity_attribute_config":${JSON.stringify(storedShape.config(p.identityAttributeConfig))},` +
    `"identity_exception_report_reference":${p.identityExceptionReportReference ? JSON.stringify(storedShape.reportReference(p.identityExceptionReportReference)) : 'null'},` +
    `"has_time_based_attr":${json(p.hasTimeBasedAttr)},"json_tail":${json(parts.tail)},`;
  return {
    record: `{"id":${json(p.id)},"version":${json(read.version)},"name":${json(p.name)},"description":${json(p.description)},` +
      `"owner_type":${p.owner ? '"IDENTITY"' : 'null'},"owner_id":${json(p.owner?.id ?? null)},"owner_name":${json(p.owner?.name ?? null)},` +
      `"priority":${json(p.priority)},"authoritative_source_id":${json(p.authoritativeSource.id)},` +
      `"identity_refresh_required":${json(p.identityRefreshRequired)},"modified":${json(p.modified)},"json_head":${json(parts.head)},${tailFields}` +
      `"actor":${json(audit.actor)},"detail":${json(audit.detail ?? null)}}`,
    parts,
  };
}

/**
 * `updateIfVersion` for a repository outside a transaction: the optimistic writes made in one
 * event-loop turn go to the database as one statement (one commit for all). A profile written
 * twice in one batch keeps the first; the second reports a conflict (its PATCH reads again). When
 * the statement fails on what one write's input caused (`causedByOneWrite`: a value refused, a
 * constraint broken), each write is run alone, so only its own request fails. Any other failure
 * (a lost connection, a timeout, a cancel) fails every write of the batch at once: running each
 * alone would repeat it once per write, multiplying the load on a database that is struggling and
 * delaying every caller's 503. Answers each write with the profile as written (API JSON, new
 * version, stored tail), or undefined on a conflict.
 */
export function versionedWriter(raw: RawExecutor, tenantId: string) {
  const writeMany = async (writes: VersionedWrite[]): Promise<Array<VersionedProfile | undefined | { error: unknown }>> => {
    const first = new Map<string, VersionedWrite>();
    for (const w of writes) if (!first.has(w.profile.id)) first.set(w.profile.id, w);
    const records = new Map([...first.values()].map((w) => [w, record(w)]));
    const run = async (ws: VersionedWrite[]): Promise<Map<string, string>> => {
      const input = `[${ws.map((w) => records.get(w)!.record).join(',')}]`;
      const { rows } = await raw(CompiledQuery.raw(UPDATE_MANY_IF_VERSION, [tenantId, input, ws.map((w) => w.profile.id)]));
      return new Map(rows.map((r: { id: string; v: string }) => [r.id, r.v]));
    };
    const answer = (w: VersionedWrite, written: Map<string, string>): VersionedProfile | undefined => {
      const version = written.get(w.profile.id);
      if (first.get(w.profile.id) !== w || version === undefined) return undefined;
      const { parts } = records.get(w)!;
      return { profile: w.profile, version, json: wholeJson(w.profile, parts), tail: parts.tail };
    };
    try {
      const written = await run([...records.keys()]);
      return writes.map((w) => answer(w, written));
    } catch (error) {
      if (!causedByOneWrite(error)) return writes.map(() => ({ error }));
      return Promise.all(writes.map(async (w) => {
        if (first.get(w.profile.id) !== w) return undefined;
        if (records.size === 1) return { error };
        try {
          return answer(w, await run([w]));
        } catch (e) {
          return { error: e };
        }
      }));
    }
  };
  const batched = batchedCalls(writeMany);
  return async (profile: IdentityProfile, read: VersionedProfile, audit: VersionedWrite['audit']): Promise<VersionedProfile | undefined> => {
    const result = await batched({ profile, read, audit });
    if (result && 'error' in result) throw result.error;
    return result;
  };
}
