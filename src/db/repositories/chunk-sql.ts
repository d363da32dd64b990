import { createHash } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import type { ChunkOptions, IdentityForProcessing, ManagerLookup } from '../../domain/identities/repository.js';
import { INPUTS_LOCK } from '../locks.js';

/**
 * The query that reads identities for evaluation: a walk down an index over the chunk (or one
 * identity) with per-identity lookups that are nested loops by construction (lateral subqueries:
 * the state by primary key, kept from being flattened into a join by its `limit`, and an aggregate
 * of the accounts), so no planner estimate can turn it into a scan of the whole table. A plain left
 * join on the state was hash-joined with a sequential scan of `identity_state` once per chunk:
 * during a first run the table grows as it is read, so the scans added up to half the table
 * per chunk (BENCHMARKS.md, "Figures that were once in code comments").
 *
 * With a run key, only identities that need evaluating are returned: those never processed with
 * this key, those whose accounts changed since (a trigger clears their key, see migration 0006),
 * and, with a manager lookup, those whose manager's account now belongs to someone else — checked
 * by the keys stored at the last run, one index lookup, without reading the identity's accounts.
 */

/** One identity, or a profile's identities with ids in [firstId, lastId], or those of a profile among `ids`. */
export type Which =
  | { id: string }
  | { profileId: string; firstId: string; lastId: string }
  | { profileId: string; ids: readonly string[] };

const where = (tenantId: string, which: Which) =>
  'id' in which
    ? sql`i.id = ${which.id}`
    : 'ids' in which
      ? sql`i.tenant_id = ${tenantId} and i.profile_id = ${which.profileId} and i.id = any(${[...which.ids]}::text[])`
      : sql`i.tenant_id = ${tenantId} and i.profile_id = ${which.profileId} and i.id between ${which.firstId} and ${which.lastId}`;

/**
 * The owner (not `self`) of the first account of the lookup source, in `keys` order, whose native
 * identity is a key: toProcessingIdentity's rule, in SQL for the staleness check.
 */
const ownerByKeys = (lookup: ManagerLookup, keys: RawBuilder<unknown>, self: RawBuilder<unknown>) => sql`(
  select ma.identity_id from unnest(${keys}) with ordinality k(key, n)
  join accounts ma on ma.source_id = ${lookup.sourceId} and ma.native_identity = k.key and ma.identity_id <> ${self}
  order by k.n limit 1)`;

/**
 * Identities with their stored state and their accounts as one JSON text (unordered, and without
 * source names: see toProcessingIdentity). With `managerLookup`, also `lookupKeys`: the
 * `accountAttributeName` values of the identity's accounts on the lookup source, in no order —
 * their owners are found for the whole chunk at once (ownersOf), as a chunk's people share few
 * managers, instead of by a lookup per identity (which, with the ordering it needed, was a third
 * of the read). Without ordered aggregates PostgreSQL sorts nothing per identity; Node orders
 * the few identities with several accounts.
 */
export function chunkQuery(
  tenantId: string,
  which: Which,
  options: Pick<ChunkOptions, 'managerLookup' | 'managerAttributes' | 'evaluateAll' | 'accountStates'> & {
    runKey?: string;
  } = {},
): RawBuilder<ChunkRow> {
  const lookup = options.managerLookup;
  const lookupKeys = lookup
    ? sql`array_agg(a.attributes->>${lookup.accountAttributeName}) filter (where a.source_id = ${lookup.sourceId} and a.attributes->>${lookup.accountAttributeName} is not null)`
    : sql`null::text[]`;
  const managerAttributes = options.managerAttributes
    ? sql`(select m.attributes::text from identity_state m where m.identity_id = s.manager_id)`
    : sql`null::text`;
  const stale =
    options.runKey && !options.evaluateAll
      ? sql`and (s.input_fingerprint is distinct from ${options.runKey}
               ${lookup ? sql`or s.manager_id is distinct from ${ownerByKeys(lookup, sql`s.manager_keys`, sql`i.id`)}` : sql``})`
      : sql``;
  return sql<ChunkRow>`
    select i.id, i.name, s.attributes::text as attributes, s.manager_id, ${managerAttributes} as manager_attributes,
           x.accounts, x.lookup_keys, i.lifecycle_state, i.lifecycle_state_manual
    from identities i
      left join lateral (select * from identity_state s where s.identity_id = i.id limit 1) s on true
      cross join lateral (
        select json_agg(json_build_object('id', a.id, 'sourceId', a.source_id, 'nativeIdentity', a.native_identity,
                 'name', a.name, 'created', a.created, 'modified', a.modified, 'attributes', a.attributes
                 ${options.accountStates ? sql`, 'disabled', a.disabled` : sql``}))::text as accounts,
               ${lookupKeys} as lookup_keys
        from accounts a where a.identity_id = i.id) x
    where ${where(tenantId, which)} ${stale}
    order by i.id`;
}

/** The owner of each key's account on the lookup source (accounts no identity owns are left out). */
export const ownersOf = (lookup: ManagerLookup, keys: string[]) => sql<{ nativeIdentity: string; identityId: string }>`
  select native_identity, identity_id from accounts
  where source_id = ${lookup.sourceId} and native_identity = any(${keys}::text[]) and identity_id is not null`;

/**
 * Held (shared) by a chunk from its read to its commit: an account change waits for it, and it
 * waits for an account change to commit, so no change lands between the read and the write.
 */
export const holdInputs = () => sql`select pg_advisory_xact_lock_shared(${INPUTS_LOCK})`;

/** A row of `chunkQuery`: the JSON columns as text. */
export interface ChunkRow {
  id: string;
  name: string;
  attributes: string | null;
  managerId: string | null;
  managerAttributes: string | null;
  /** null: no accounts. */
  accounts: string | null;
  lookupKeys: string[] | null;
  lifecycleState: string | null;
  lifecycleStateManual: boolean;
}

/**
 * The run key an identity is remembered with: the mappings' fingerprint, every source's name (an
 * `accountAttribute` picks accounts by source name, so a rename may change results) and the
 * manager lookup.
 */
export function runKey(
  mappingsFingerprint: string,
  sourceNames: ReadonlyMap<string, string>,
  lookup: ManagerLookup | undefined,
): string {
  const names = [...sourceNames].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('md5')
    .update(JSON.stringify([mappingsFingerprint, names, lookup ?? null]))
    .digest('hex');
}

type Account = IdentityForProcessing['accounts'][number];

/** A chunk's manager lookup and the owners of the keys its accounts name (key → owner, from ownersOf). */
export interface ChunkManagers {
  lookup: ManagerLookup;
  owners: ReadonlyMap<string, string>;
}

/** What `->>` makes of an attribute: text as it is, anything else as JSON. */
const asKey = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/**
 * A row made into an identity: accounts in id order with their source names; with a manager
 * lookup, the keys in that order and the manager, the owner of the first key's account that is
 * not the identity itself.
 */
export function toProcessingIdentity(
  r: ChunkRow,
  sourceNames: ReadonlyMap<string, string>,
  fingerprint: string | null,
  manager?: ChunkManagers,
): IdentityForProcessing {
  const accounts = (r.accounts ? JSON.parse(r.accounts) : []) as Account[];
  if (accounts.length > 1) accounts.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const a of accounts) a.sourceName = sourceNames.get(a.sourceId) ?? '';
  let managerKeys: string[] | null = null;
  let correlatedManagerId: string | null = null;
  if (manager && r.lookupKeys) {
    const { sourceId, accountAttributeName } = manager.lookup;
    managerKeys = [];
    for (const a of accounts) {
      const value = a.sourceId === sourceId ? a.attributes[accountAttributeName] : null;
      if (value === null || value === undefined) continue;
      const key = asKey(value);
      managerKeys.push(key);
      const owner = manager.owners.get(key);
      if (correlatedManagerId === null && owner !== undefined && owner !== r.id) correlatedManagerId = owner;
    }
  }
  return {
    id: r.id,
    name: r.name,
    attributes: r.attributes ? JSON.parse(r.attributes) : {},
    managerId: r.managerId,
    managerAttributes: r.managerAttributes ? JSON.parse(r.managerAttributes) : null,
    fingerprint,
    correlatedManagerId,
    managerKeys,
    accounts,
    lifecycleState: r.lifecycleState,
    lifecycleManual: r.lifecycleStateManual,
  };
}
