/** Display helpers: dates in the reader's locale, durations in words. */
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export const formatDate = (iso: string | null | undefined) => (iso ? dateTime.format(new Date(iso)) : '—');

export function formatSeconds(s: number | null | undefined): string {
  if (s === null || s === undefined) return 'estimating…';
  if (s < 60) return `${s} s left`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${s % 60} s left` : `${Math.floor(m / 60)} h ${m % 60} min left`;
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString()} ${n === 1 ? one : many}`;

/** A value as text for tables: null/undefined are "—", objects are compact JSON. */
export function show(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** The largest priority the server stores (int32). */
const MAX_PRIORITY = 2147483647;

/**
 * What is wrong with a priority typed in a form, in words (undefined: nothing). A priority is a
 * whole number from 0: lower numbers come first. `current` (a value the profile already has, set
 * through the API) is always accepted as it is.
 */
export function priorityProblem(text: string, current?: number): string | undefined {
  const t = text.trim();
  if (!t) return 'Give a priority: a whole number, e.g. 10.';
  if (!/^-?\d+$/.test(t)) return `“${t}” is not a whole number: a priority is 0, 1, 2…`;
  const n = Number(t);
  if (n === current) return undefined;
  if (n < 0) return 'A priority is 0 or more (lower numbers come first).';
  if (n > MAX_PRIORITY) return `A priority is at most ${MAX_PRIORITY.toLocaleString()}.`;
  return undefined;
}
