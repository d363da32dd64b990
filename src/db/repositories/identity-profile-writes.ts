import { CompiledQuery } from 'kysely';
import { batchedCalls } from '../batched-calls.js';
import { prepared } from '../database.js';
import { isConnectionFailure } from '../errors.js';
import type { AuditNote, VersionedProfile } from '../../domain/identity-profiles/repository.js';
import type { IdentityProfile } from '../../domain/identity-profiles/schema.js';
import { jsonParts } from './identity-profile-json.js';

/** Runs hand-written SQL (no camel-case plugin). */
export type RawExecutor = (query: CompiledQuery) => Promise<{ rows: any[] }>;

/**
 * The tenant condition of lookups by id (`ip`, tenant in `$1`), as a filter rather than an index
 * condition: every other index of the table leads with `tenant_id`, and on a table without
 * statistics (never analyzed: a new tenant, or autovacuum off) the planner ANDed a bitmap of the
 * tenant's whole index with the ids' — 2,000 index entries read per batch, 0.3–0.8 ms instead of
 * ~0.1 ms. As a filter, the rows are found through the primary key only (`lookup-plans.test.ts`).
 */
export const TENANT_FILTER = '(ip.tenant_id = $1) is true';

/**
 * Every update of a profile row, one or several at once: each record is written only if the row
 * is still its `version` (`xmin`, the id of the transaction that wrote the row, changes with
 * every write; no version: written whatever it is), and its audit entry, when it has an actor, is
 * recorded in the same statement (atomic without BEGIN/COMMIT: PostgreSQL runs every
 * data-modifying WITH, although the final select does not read it). Answers the written rows' ids
 * with their new version. `created` is never written. A record without `json_tail` leaves the
 * fields stored in it as they are (see `keepsTail`).
 */
export const UPDATE_MANY_IF_VERSION = prepared(
  'identity_profiles_update_if_version',
  `with input as (
    select * from jsonb_to_recordset($2::jsonb) as x(id text, version text, name text, description text, owner_type text, owner_id text,
      owner_name text, priority int, authoritative_source_id text, identity_refresh_required boolean, identity_count int, modified timestamptz,
      identity_attribute_config jsonb, identity_exception_report_reference jsonb, has_time_based_attr boolean, json_head text, json_tail text,
      actor text, detail jsonb)
  ), updated as (
    update identity_profiles ip set name = i.name, description = i.description, owner_type = i.owner_type, owner_id = i.owner_id,
      owner_name = i.owner_name, priority = i.priority, authoritative_source_id = i.authoritative_source_id,
      identity_refresh_required = i.identity_refresh_required, identity_count = i.identity_count, modified = i.modified,
      json_head = i.json_head, identity_attribute_config = coalesce(i.identity_attribute_config, ip.identity_attribute_config),
      identity_exception_report_reference = case when i.json_tail is null then ip.identity_exception_report_reference else i.identity_exception_report_reference end,
      has_time_based_attr = coalesce(i.has_time_based_attr, ip.has_time_based_attr), json_tail = coalesce(i.json_tail, ip.json_tail)
    from input i where ip.id = any($3::text[]) and ${TENANT_FILTER} and ip.id = i.id and (i.version is null or ip.xmin = i.version::xid)
    returning ip.id, ip.xmin::text as v
  ), audited as (
    insert into audit_log (tenant_id, entity_type, entity_id, action, actor, detail)
    select $1, 'IDENTITY_PROFILE', u.id, 'update', i.actor, i.detail from updated u join input i on i.id = u.id where i.actor is not null
  )
  select id, v from updated`,
);

/** A profile as its columns are stored for an insert (with its API JSON's stored parts: see identity-profile-json.ts). */
export function toRow(p: IdentityProfile) {
  const { head, tail, config, reportReference } = jsonParts(p);
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    ownerType: p.owner ? 'IDENTITY' : null,
    ownerId: p.owner?.id ?? null,
    ownerName: p.owner?.name ?? null,
    priority: p.priority,
    authoritativeSourceId: p.authoritativeSource.id,
    identityAttributeConfig: config,
    identityExceptionReportReference: reportReference,
    hasTimeBasedAttr: p.hasTimeBasedAttr,
    identityRefreshRequired: p.identityRefreshRequired,
    identityCount: p.identityCount,
    created: p.created,
    modified: p.modified,
    jsonHead: head,
    jsonTail: tail,
  };
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

/** A version of a profile a write is based on; `tail`: the `json_tail` this process wrote with it, when it did. */
export interface BaseVersion {
  version: string;
  profile?: IdentityProfile;
  tail?: string;
}

/** The profile as written with its new version, and the `json_tail` stored with it. */
export type WrittenVersion = VersionedProfile & { tail: string };

interface Write {
  profile: IdentityProfile;
  /** Only if the row is still this version (undefined: whatever it is). */
  base: BaseVersion | undefined;
  audit: AuditNote | undefined;
}

/**
 * Does the write leave `json_tail` and its fields as `base` stored them? Only when this process
 * wrote that tail (so it is the serializer's text for them) and the profile keeps the very same
 * values (a PATCH that touches none of them shares them with its base): then none of them is sent
 * and the row keeps them as stored — less to send and parse per PATCH (bench/api).
 */
const keepsTail = (
  p: IdentityProfile,
  base: BaseVersion | undefined,
): base is BaseVersion & { tail: string; profile: IdentityProfile } =>
  base?.tail !== undefined &&
  base.profile !== undefined &&
  p.identityAttributeConfig === base.profile.identityAttributeConfig &&
  p.identityExceptionReportReference === base.profile.identityExceptionReportReference &&
  p.hasTimeBasedAttr === base.profile.hasTimeBasedAttr;

const json = (value: unknown) => (value === undefined ? 'null' : JSON.stringify(value));

/** One write as a record of UPDATE_MANY_IF_VERSION's input (JSON text around the JSON texts `jsonParts` wrote), with the tail it stores. */
function record({ profile: p, base, audit }: Write): { record: string; tail: string } {
  const kept = keepsTail(p, base);
  const parts = jsonParts(p, { tail: !kept });
  const tailFields = kept
    ? ''
    : `"identity_attribute_config":${parts.config},"identity_exception_report_reference":${parts.reportReference ?? 'null'},` +
      `"has_time_based_attr":${json(p.hasTimeBasedAttr)},"json_tail":${json(parts.tail)},`;
  return {
    record:
      `{"id":${json(p.id)},"version":${json(base?.version ?? null)},"name":${json(p.name)},"description":${json(p.description)},` +
      `"owner_type":${p.owner ? '"IDENTITY"' : 'null'},"owner_id":${json(p.owner?.id ?? null)},"owner_name":${json(p.owner?.name ?? null)},` +
      `"priority":${json(p.priority)},"authoritative_source_id":${json(p.authoritativeSource.id)},` +
      `"identity_refresh_required":${json(p.identityRefreshRequired)},"identity_count":${json(p.identityCount)},"modified":${json(p.modified)},` +
      `"json_head":${json(parts.head)},${tailFields}"actor":${json(audit?.actor ?? null)},"detail":${json(audit?.detail ?? null)}}`,
    tail: kept ? base.tail : parts.tail,
  };
}

type Outcome = WrittenVersion | undefined | { error: unknown };

/**
 * The one write path of profile rows (`update`): `write(profile, base, audit)` answers the profile
 * as written with its new version, or undefined when `base`'s version is no longer the row's (or
 * there is no row). Batched (outside a transaction): the writes made in one event-loop turn go to
 * the database as one statement and one commit (group commit). A profile written twice in one
 * batch keeps the first; the second reports a conflict (its PATCH reads again). When the statement
 * fails on what one write's input caused (`causedByOneWrite`: a value refused, a constraint
 * broken), each write is run alone, so only its own request fails. Any other failure (a lost
 * connection, a timeout, a cancel) fails every write of the batch at once: running each alone
 * would repeat it once per write, multiplying the load on a database that is struggling and
 * delaying every caller's 503.
 */
export function versionedWriter(raw: RawExecutor, tenantId: string, { batched = true } = {}) {
  const run = async (ws: Write[], records: Map<Write, { record: string }>): Promise<Map<string, string>> => {
    const input = `[${ws.map((w) => records.get(w)!.record).join(',')}]`;
    const { rows } = await raw(
      CompiledQuery.raw(UPDATE_MANY_IF_VERSION, [tenantId, input, ws.map((w) => w.profile.id)]),
    );
    return new Map(rows.map((r: { id: string; v: string }) => [r.id, r.v]));
  };
  const writeMany = async (writes: Write[]): Promise<Outcome[]> => {
    const first = new Map<string, Write>();
    for (const w of writes) if (!first.has(w.profile.id)) first.set(w.profile.id, w);
    const records = new Map([...first.values()].map((w) => [w, record(w)]));
    const answer = (w: Write, written: Map<string, string>): WrittenVersion | undefined => {
      const version = written.get(w.profile.id);
      return first.get(w.profile.id) === w && version !== undefined
        ? { profile: w.profile, version, tail: records.get(w)!.tail }
        : undefined;
    };
    try {
      const written = await run([...first.values()], records);
      return writes.map((w) => answer(w, written));
    } catch (error) {
      if (!causedByOneWrite(error)) return writes.map(() => ({ error }));
      return Promise.all(
        writes.map(async (w): Promise<Outcome> => {
          if (first.get(w.profile.id) !== w) return undefined;
          if (first.size === 1) return { error };
          try {
            return answer(w, await run([w], records));
          } catch (e) {
            return { error: e };
          }
        }),
      );
    }
  };
  const writeOne = batched ? batchedCalls(writeMany) : async (w: Write) => (await writeMany([w]))[0];
  return async (
    profile: IdentityProfile,
    base: BaseVersion | undefined,
    audit?: AuditNote,
  ): Promise<WrittenVersion | undefined> => {
    const result = await writeOne({ profile, base, audit });
    if (result && 'error' in result) throw result.error;
    return result;
  };
}
