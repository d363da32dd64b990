import { sql, type RawBuilder } from 'kysely';
import type { ChunkOptions } from '../../domain/identities/repository.js';

/**
 * The query that reads one chunk of a profile's identities with their accounts (rows of
 * identity × account, ordered by identity).
 * - `managerLookup`: also the manager found through accounts — the owner of the account on the
 *   source whose native identity is this identity's `accountAttributeName` there (indexed).
 * - `fingerprint`: also each identity's input fingerprint (the mappings' fingerprint and its
 *   accounts' ids, modification times and source names), and only identities whose stored
 *   fingerprint (or, with a lookup, manager) differs are returned in full.
 */
export function chunkQuery(tenantId: string, profileId: string, range: { firstId: string; lastId: string }, options: ChunkOptions): RawBuilder<unknown> {
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
  return sql`
    with c as materialized (
      select i.id, ${fingerprint} as fingerprint, ${manager} as correlated_manager_id
      from identities i where i.tenant_id = ${tenantId} and i.profile_id = ${profileId} and i.id between ${range.firstId} and ${range.lastId}
    )
    select i.id, i.name, i.attributes, i.manager_id, m.attributes as manager_attributes, c.fingerprint,
           ${lookup ? sql`c.correlated_manager_id` : sql`null::text`} as correlated_manager_id,
           a.id as account_id, a.source_id, s.name as source_name, a.native_identity, a.name as account_name,
           a.created as account_created, a.modified as account_modified, a.attributes as account_attributes
    from c
    join identities i on i.id = c.id
    left join identities m on m.id = i.manager_id
    left join accounts a on a.identity_id = i.id
    left join sources s on s.id = a.source_id
    ${stale}
    order by i.id, a.id`;
}
