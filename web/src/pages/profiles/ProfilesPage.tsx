import { useState } from 'preact/hooks';
import { exportProfiles, listProfiles } from '../../api/profiles';
import { ErrorBox } from '../../components/ErrorBox';
import { Pager } from '../../components/Pager';
import type { Sort } from '../../components/SortableTh';
import { downloadJson } from '../../lib/download';
import { plural } from '../../lib/format';
import { useAction, useDebounced, useLoad } from '../../lib/hooks';
import { useProfileRuns } from '../../lib/profile-runs';
import { navigate } from '../../lib/router';
import { CreateProfileDialog } from './CreateProfileDialog';
import { DeleteProfilesDialog } from './DeleteProfilesDialog';
import { ImportDialog } from './ImportDialog';
import { ProfilesTable, SERVER_SORTS } from './ProfilesTable';

const PAGE = 50;
type Open = 'create' | 'delete' | 'import' | undefined;

/** The list of identity profiles: filter as you type, sort, page, select; create, delete, export, import. */
export function ProfilesPage() {
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<Sort>({ field: 'priority', descending: false });
  const [offset, setOffset] = useState(0);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [open, setOpen] = useState<Open>();
  const name = useDebounced(filter.trim(), 300);
  const serverSort = SERVER_SORTS[sort.field];
  // The name breaks ties (a field may appear once in ISC's sorters).
  const primary = serverSort ? `${sort.descending ? '-' : ''}${serverSort}` : 'priority';
  const sorters = primary.endsWith('name') ? primary : `${primary},name`;
  const list = useLoad(
    (signal) => listProfiles({ nameStartsWith: name, sorters, limit: PAGE, offset }, signal),
    [name, sorters, offset],
  );
  const exporting = useAction(async () => {
    const items = await exportProfiles([...selected]);
    downloadJson(`identity-profiles-${new Date().toISOString().slice(0, 10)}.json`, items);
  });
  const changed = () => {
    setSelected(new Set());
    list.reload();
  };
  const closeWith = (reload: boolean) => {
    setOpen(undefined);
    if (reload) changed();
  };
  const items = list.data?.items ?? [];
  const runs = useProfileRuns(
    items.map((p) => p.id),
    list.data,
    list.reload,
  );

  return (
    <section>
      <div class="page-head">
        <h1 tabIndex={-1}>Identity profiles</h1>
        <div class="actions">
          <button type="button" class="primary" onClick={() => setOpen('create')}>
            New profile
          </button>
          <button type="button" onClick={() => setOpen('import')}>
            Import…
          </button>
        </div>
      </div>
      <div class="toolbar">
        <label class="filter">
          <span>Filter by name</span>
          <input
            type="search"
            name="filter"
            value={filter}
            placeholder="Name starts with…"
            onInput={(e) => (setFilter(e.currentTarget.value), setOffset(0))}
          />
        </label>
        <div class="actions" role="group" aria-label="Selected profiles">
          <span class="muted" aria-live="polite">
            {selected.size ? `${plural(selected.size, 'profile')} selected` : 'None selected'}
          </span>
          <button type="button" disabled={!selected.size || exporting.busy} onClick={() => void exporting.run()}>
            {exporting.busy ? 'Exporting…' : 'Export'}
          </button>
          <button type="button" class="danger" disabled={!selected.size} onClick={() => setOpen('delete')}>
            Delete
          </button>
        </div>
      </div>
      <ErrorBox error={exporting.error} title="Export failed" />
      <ErrorBox error={list.error} title="The profiles could not be loaded" />
      <ProfilesTable
        items={items}
        loading={list.loading}
        sort={sort}
        onSort={(s) => (setSort(s), setOffset(0))}
        selected={selected}
        onSelect={setSelected}
        runs={runs}
      />
      {!list.loading && !list.error && items.length === 0 && (
        <p class="empty">
          {name
            ? `No profile name starts with “${name}”.`
            : 'No identity profiles yet. Create one, or import an export file.'}
        </p>
      )}
      <Pager label="Profiles" offset={offset} limit={PAGE} total={list.data?.total ?? 0} onChange={setOffset} />
      {open === 'create' && (
        <CreateProfileDialog onClose={() => setOpen(undefined)} onCreated={(p) => navigate(`/profiles/${p.id}`)} />
      )}
      {open === 'delete' && (
        <DeleteProfilesDialog
          profiles={items.filter((p) => selected.has(p.id))}
          ids={[...selected]}
          onClose={closeWith}
        />
      )}
      {open === 'import' && <ImportDialog onClose={closeWith} />}
    </section>
  );
}
