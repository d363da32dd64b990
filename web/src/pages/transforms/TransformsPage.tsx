import { useState } from 'preact/hooks';
import { listTransforms } from '../../api/transforms';
import { ErrorBox } from '../../components/ErrorBox';
import { Pager } from '../../components/Pager';
import { SortableTh, type Sort } from '../../components/SortableTh';
import { useDebounced, useLoad } from '../../lib/hooks';
import { Link, navigate } from '../../lib/router';
import { CreateTransformDialog } from './CreateTransformDialog';

const PAGE = 50;

/** Named transforms: filter by name as you type, sort by name or type, page; create one. */
export function TransformsPage() {
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<Sort>({ field: 'name', descending: false });
  const [offset, setOffset] = useState(0);
  const [creating, setCreating] = useState(false);
  const name = useDebounced(filter.trim(), 300);
  // The name breaks ties when sorting by type.
  const sorters = `${sort.descending ? '-' : ''}${sort.field}${sort.field === 'name' ? '' : ',name'}`;
  const list = useLoad(
    (signal) => listTransforms({ nameStartsWith: name, sorters, limit: PAGE, offset }, signal),
    [name, sorters, offset],
  );
  const items = list.data?.items ?? [];
  const onSort = (s: Sort) => (setSort(s), setOffset(0));
  return (
    <section>
      <div class="page-head">
        <h1 tabIndex={-1}>Transforms</h1>
        <div class="actions">
          <button type="button" class="primary" onClick={() => setCreating(true)}>
            New transform
          </button>
        </div>
      </div>
      <p class="hint page-intro">
        Named transforms are reused by identity profile mappings (and by other transforms) through{' '}
        <code>{'{"type": "reference", "attributes": {"id": "<name>"}}'}</code>.
      </p>
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
      </div>
      <ErrorBox error={list.error} title="The transforms could not be loaded" />
      <div class="table-wrap">
        <table class="transforms" aria-busy={list.loading}>
          <thead>
            <tr>
              <SortableTh field="name" sort={sort} onSort={onSort}>
                Name
              </SortableTh>
              <SortableTh field="type" sort={sort} onSort={onSort}>
                Type
              </SortableTh>
              <th scope="col">Internal</th>
            </tr>
          </thead>
          <tbody>
            {items.map((t) => (
              <tr key={t.id}>
                <th scope="row">
                  <Link href={`/transforms/${encodeURIComponent(t.id)}`}>{t.name}</Link>
                </th>
                <td>
                  <code>{t.type}</code>
                </td>
                <td>{t.internal ? <span class="badge warn">Internal</span> : <span class="muted">No</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!list.loading && !list.error && items.length === 0 && (
        <p class="empty">
          {name
            ? `No transform name starts with “${name}”.`
            : 'No named transforms yet. Create one to reuse it across mappings.'}
        </p>
      )}
      <Pager label="Transforms" offset={offset} limit={PAGE} total={list.data?.total ?? 0} onChange={setOffset} />
      {creating && (
        <CreateTransformDialog
          onClose={() => setCreating(false)}
          onCreated={(t) => navigate(`/transforms/${encodeURIComponent(t.id)}`)}
        />
      )}
    </section>
  );
}
