import type { ComponentChildren } from 'preact';

export interface Sort {
  field: string;
  descending: boolean;
}

/** A column header that sorts (aria-sort tells screen readers the current order). */
export function SortableTh({
  field,
  sort,
  onSort,
  children,
  class: cls,
}: {
  field: string;
  sort: Sort;
  onSort: (s: Sort) => void;
  children: ComponentChildren;
  class?: string;
}) {
  const active = sort.field === field;
  const next = () => onSort({ field, descending: active ? !sort.descending : false });
  return (
    <th scope="col" class={cls} aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
      <button type="button" class="sort" onClick={next}>
        {children}
        <span aria-hidden="true" class="arrow">
          {active ? (sort.descending ? '▼' : '▲') : '↕'}
        </span>
      </button>
    </th>
  );
}
