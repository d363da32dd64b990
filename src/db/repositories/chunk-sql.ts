import { sql, type RawBuilder } from 'kysely';
import type { ChunkOptions, IdentityForProcessing } from '../../domain/identities/repository.js';

/**
 * The query that reads identities for evaluation: a walk down an index over the chunk (or one
 * identity) with per-identity lookups that are nested loops by construction (LATERAL and scalar
 * subqueries), so no planner estimate can turn it into a scan of the whole table — with stale
 * statistics a join back onto identities did exactly that, once per chunk. The accounts come as
 * one JSON array per identity (cheaper to send and parse than a row per account), built only for
 * the identities returned.
 */

/** One identity, or a profile's identities with ids in [firstId, lastId]. */
export type Which = { id: string } | { profileId: string; firstId: string; lastId: string };

const where = (tenantId: string, which: Which) =>
  'id' in which ? sql`i.id = ${which.id}`
  : sql`i.tenant_id = ${tenantId} and i.profile_id = ${which.profileId} and i.id between ${which.firstId} and ${which.lastId}`;

/**
 * Identities to evaluate, with their accounts and what processing compares and remembers:
 * - `fingerprint`: the input fingerprint now — the mappings' fingerprint and the identity's
 *   accounts' ids, modification times and source names; only identities whose stored fingerprint
 *   (or, with a lookup, manager) differs are returned. Without it every identity is returned.
 * - `managerLookup`: the manager found through accounts — the owner of the account on the source
 *   whose native identity is this identity's `accountAttributeName` there (indexed).
 */
export function chunkQuery(tenantId: string, which: Which, options: ChunkOptions = {}): RawBuilder<ChunkRow> {
  const lookup = options.managerLookup;
  const fingerprint = options.fingerprint
    ? sql`md5(${options.fingerprint} || coalesce(string_agg(a.id || '|' || a.modified::text || '|' || s.name, ',' order by a.id), ''))`
    : sql`null::text`;
  const manager = lookup
    ? sql`(array_agg(m.identity_id order by a.id) filter (where m.identity_id is not null))[1]`
    : sql`null::text`;
  const managerJoin = lookup
    ? sql`left join lateral (
        select ma.identity_id from accounts ma
        where a.source_id = ${lookup.sourceId} and ma.source_id = a.source_id
          and ma.native_identity = a.attributes->>${lookup.accountAttributeName} and ma.identity_id <> i.id
        limit 1) m on true`
    : sql``;
  const stale = options.fingerprint
    ? sql`and (i.input_fingerprint is distinct from x.fingerprint ${lookup ? sql`or i.manager_id is distinct from x.manager_id` : sql``})`
    : sql``;
  const managerAttributes = options.managerAttributes
    ? sql`(select m.attributes from identities m where m.id = i.manager_id)`
    : sql`null::jsonb`;
  const checks = !!(options.fingerprint || lookup);
  return sql<ChunkRow>`
    select i.id, i.name, i.attributes, i.manager_id, ${managerAttributes} as manager_attributes,
           ${checks ? sql`x.fingerprint, x.manager_id as correlated_manager_id` : sql`null::text as fingerprint, null::text as correlated_manager_id`},
           (select coalesce(json_agg(json_build_object('id', a.id, 'sourceId', a.source_id, 'sourceName', s.name,
                     'nativeIdentity', a.native_identity, 'name', a.name, 'created', a.created, 'modified', a.modified,
                     'attributes', a.attributes) order by a.id), '[]')
            from accounts a join sources s on s.id = a.source_id where a.identity_id = i.id) as accounts
    from identities i
    ${checks ? sql`left join lateral (
      select ${fingerprint} as fingerprint, ${manager} as manager_id
      from accounts a join sources s on s.id = a.source_id ${managerJoin}
      where a.identity_id = i.id
    ) x on true` : sql``}
    where ${where(tenantId, which)} ${stale}
    order by i.id`;
}

export interface ChunkRow {
  id: string;
  name: string;
  attributes: Record<string, unknown>;
  managerId: string | null;
  managerAttributes: Record<string, unknown> | null;
  fingerprint: string | null;
  correlatedManagerId: string | null;
  accounts: IdentityForProcessing['accounts'];
}

export const toProcessingIdentity = (r: ChunkRow): IdentityForProcessing => ({
  id: r.id, name: r.name, attributes: r.attributes ?? {}, managerId: r.managerId, managerAttributes: r.managerAttributes,
  fingerprint: r.fingerprint, correlatedManagerId: r.correlatedManagerId, accounts: r.accounts,
});
