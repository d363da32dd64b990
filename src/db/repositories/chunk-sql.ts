import { sql, type RawBuilder } from 'kysely';
import type { ChunkOptions, IdentityForProcessing } from '../../domain/identities/repository.js';

/**
 * The query that reads identities for evaluation (a chunk of a profile's, or one for a preview),
 * one row per identity with its
 * accounts as one JSON array (cheaper to send and parse than a row per account).
 * - `managerLookup`: also the manager found through accounts — the owner of the account on the
 *   source whose native identity is this identity's `accountAttributeName` there (indexed).
 * - `fingerprint`: also each identity's input fingerprint (the mappings' fingerprint and its
 *   accounts' ids, modification times and source names); only identities whose stored
 *   fingerprint (or, with a lookup, manager) differs are returned.
 */
export function chunkQuery(tenantId: string, which: Which, options: ChunkOptions = {}): RawBuilder<ChunkRow> {
  const lookup = options.managerLookup;
  const fingerprint = options.fingerprint
    ? sql`md5(${options.fingerprint} || coalesce((select string_agg(a.id || '|' || a.modified::text || '|' || s.name, ',' order by a.id)
            from accounts a join sources s on s.id = a.source_id where a.identity_id = i.id), ''))`
    : sql`null::text`;
  const manager = lookup
    ? sql`(select mi.id from accounts own join accounts ma on ma.source_id = own.source_id and ma.native_identity = own.attributes->>${lookup.accountAttributeName}
            join identities mi on mi.id = ma.identity_id
          where own.identity_id = i.id and own.source_id = ${lookup.sourceId} and mi.id <> i.id order by own.id limit 1)`
    : sql`null::text`;
  const stale = options.fingerprint
    ? sql`where i.input_fingerprint is distinct from c.fingerprint ${lookup ? sql`or i.manager_id is distinct from c.correlated_manager_id` : sql``}`
    : sql``;
  return sql<ChunkRow>`
    with c as materialized (
      select i.id, ${fingerprint} as fingerprint, ${manager} as correlated_manager_id
      from identities i where i.tenant_id = ${tenantId} and ${'id' in which ? sql`i.id = ${which.id}` : sql`i.profile_id = ${which.profileId} and i.id between ${which.firstId} and ${which.lastId}`}
    )
    select i.id, i.name, i.attributes, i.manager_id, m.attributes as manager_attributes, c.fingerprint,
           ${lookup ? sql`c.correlated_manager_id` : sql`null::text`} as correlated_manager_id,
           (select coalesce(json_agg(json_build_object('id', a.id, 'sourceId', a.source_id, 'sourceName', s.name,
                     'nativeIdentity', a.native_identity, 'name', a.name, 'created', a.created, 'modified', a.modified,
                     'attributes', a.attributes) order by a.id), '[]')
            from accounts a join sources s on s.id = a.source_id where a.identity_id = i.id) as accounts
    from c
    join identities i on i.id = c.id
    left join identities m on m.id = i.manager_id
    ${stale}
    order by i.id`;
}

/** One identity, or a profile's identities with ids in [firstId, lastId]. */
export type Which = { id: string } | { profileId: string; firstId: string; lastId: string };

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
