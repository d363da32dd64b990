import type { IdentityProfile } from '../../api/types';
import { SortableTh, type Sort } from '../../components/SortableTh';
import { neverProcessed, StatusBadge } from '../../components/StatusBadge';
import { formatDate } from '../../lib/format';
import { Link } from '../../lib/router';
import type { RunState } from '../../lib/profile-runs';

/** Columns the server sorts (ISC sorters); the others sort the loaded page. */
export const SERVER_SORTS: Record<string, string | undefined> = {
  name: 'name',
  priority: 'priority',
  modified: 'modified',
};

/** When the profile was last processed: from its newest successful run (the profile itself does not say). */
const lastProcessed = (p: IdentityProfile, runs: Map<string, RunState>) => runs.get(p.id)?.lastProcessed ?? null;
const statusRank = (p: IdentityProfile, runs: Map<string, RunState>) => {
  const r = runs.get(p.id);
  return r?.running ? 3 : r?.failed ? 2 : p.identityRefreshRequired ? 1 : neverProcessed(p, r) ? 0.5 : 0;
};

const LOCAL_SORTS: Record<string, (p: IdentityProfile, runs: Map<string, RunState>) => string | number> = {
  description: (p) => (p.description ?? '').toLowerCase(),
  source: (p) => p.authoritativeSource.name.toLowerCase(),
  identityCount: (p) => p.identityCount,
  status: statusRank,
  lastProcessed: (p, runs) => lastProcessed(p, runs) ?? '',
};

function ordered(items: IdentityProfile[], sort: Sort, runs: Map<string, RunState>): IdentityProfile[] {
  const key = LOCAL_SORTS[sort.field];
  if (!key) return items;
  const dir = sort.descending ? -1 : 1;
  return [...items].sort((a, b) => {
    const [x, y] = [key(a, runs), key(b, runs)];
    return x < y ? -dir : x > y ? dir : 0;
  });
}

interface Props {
  items: IdentityProfile[];
  loading: boolean;
  sort: Sort;
  onSort: (s: Sort) => void;
  selected: Set<string>;
  onSelect: (s: Set<string>) => void;
  runs: Map<string, RunState>;
}

export function ProfilesTable({ items, loading, sort, onSort, selected, onSelect, runs }: Props) {
  const rows = ordered(items, sort, runs);
  const allOnPage = items.length > 0 && items.every((p) => selected.has(p.id));
  const toggle = (id: string) => {
    const next = new Set(selected);
    if (!next.delete(id)) next.add(id);
    onSelect(next);
  };
  const toggleAll = () => onSelect(allOnPage ? new Set() : new Set(items.map((p) => p.id)));
  const th = (field: string, label: string, cls?: string) => (
    <SortableTh field={field} sort={sort} onSort={onSort} class={cls}>
      {label}
    </SortableTh>
  );
  return (
    <div class="table-wrap">
      <table class="profiles cards" aria-busy={loading}>
        <caption class="sr-only">
          Identity profiles{LOCAL_SORTS[sort.field] ? ' (this column sorts the rows on this page)' : ''}
        </caption>
        <thead>
          <tr>
            <th scope="col" class="check">
              <input
                type="checkbox"
                aria-label="Select all profiles on this page"
                checked={allOnPage}
                onChange={toggleAll}
              />
            </th>
            {th('name', 'Name')}
            {th('description', 'Description', 'hide-narrow')}
            {th('priority', 'Priority', 'num')}
            {th('source', 'Authoritative source')}
            {th('identityCount', 'Identities', 'num')}
            {th('status', 'Status')}
            {th('lastProcessed', 'Last processed', 'hide-narrow')}
          </tr>
        </thead>
        <tbody>
          {rows.map((p) => (
            <tr key={p.id} class={selected.has(p.id) ? 'selected' : undefined}>
              <td class="check">
                <input
                  type="checkbox"
                  aria-label={`Select ${p.name}`}
                  checked={selected.has(p.id)}
                  onChange={() => toggle(p.id)}
                />
              </td>
              <th scope="row" data-label="Name">
                <Link href={`/profiles/${encodeURIComponent(p.id)}`}>{p.name}</Link>
              </th>
              <td class="hide-narrow desc" data-label="Description">
                {p.description || <span class="muted">—</span>}
              </td>
              <td class="num" data-label="Priority">
                {p.priority}
              </td>
              <td data-label="Source">{p.authoritativeSource.name}</td>
              <td class="num" data-label="Identities">
                {p.identityCount.toLocaleString()}
              </td>
              <td data-label="Status">
                <StatusBadge profile={p} run={runs.get(p.id)} />
              </td>
              <td class="hide-narrow" data-label="Last processed">
                {formatDate(lastProcessed(p, runs))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
