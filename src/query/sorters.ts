/**
 * The `sorters` query parameter: `sorters=name,-priority` — a comma list of
 * whitelisted fields, `-` prefix for descending. Whitespace around items is
 * ignored; a blank parameter means "no sorting".
 */
import { QueryError } from './errors.js';

export type SortDirection = 'asc' | 'desc';

export interface Sorter {
  /** The API field as the client wrote it, e.g. `owner.name`. */
  readonly field: string;
  /** The SQL column it maps to, from the whitelist (use with `db.dynamic.ref`). */
  readonly column: string;
  readonly direction: SortDirection;
}

/** API field → SQL column. */
export type SorterMap = Readonly<Record<string, string>>;

/**
 * Parses a `sorters` parameter against the fields an endpoint allows.
 * @example parseSorters('name,-priority', { name: 'ip.name', priority: 'ip.priority' })
 *   // [{ field: 'name', column: 'ip.name', direction: 'asc' },
 *   //  { field: 'priority', column: 'ip.priority', direction: 'desc' }]
 * @throws QueryError for an empty item, an unknown or a repeated field, with its position.
 */
export function parseSorters(text: string, allowed: SorterMap): Sorter[] {
  if (text.trim() === '') return [];
  const sorters: Sorter[] = [];
  let start = 0;
  for (const item of text.split(',')) {
    sorters.push(parseItem(item, start, allowed, sorters));
    start += item.length + 1;
  }
  return sorters;
}

function parseItem(item: string, start: number, allowed: SorterMap, previous: readonly Sorter[]): Sorter {
  const trimmed = item.trim();
  const position = start + (item.length - item.trimStart().length);
  if (trimmed === '' || trimmed === '-') {
    fail('invalid_sorter', position, `expected a field name${trimmed === '-' ? " after '-'" : ''}`);
  }
  const descending = trimmed.startsWith('-');
  const field = descending ? trimmed.slice(1) : trimmed;
  const fieldPosition = descending ? position + 1 : position;
  if (!Object.hasOwn(allowed, field)) {
    const names = Object.keys(allowed);
    const supported = names.length > 0 ? `supported: ${names.join(', ')}` : 'this endpoint supports no sorting';
    fail('unsupported_sorter', fieldPosition, `Unsupported sorter '${field}'`, supported);
  }
  if (previous.some((sorter) => sorter.field === field)) {
    fail('invalid_sorter', fieldPosition, `Duplicate sorter '${field}'`, 'each field may appear once');
  }
  return Object.freeze({ field, column: allowed[field], direction: descending ? 'desc' : 'asc' });
}

function fail(code: 'invalid_sorter' | 'unsupported_sorter', position: number, head: string, tail?: string): never {
  const suffix = tail === undefined ? '' : `; ${tail}`;
  throw new QueryError({
    code,
    parameter: 'sorters',
    position,
    detail: `${head}${suffix}`,
    message: `${head} at position ${position}${suffix}`,
  });
}
