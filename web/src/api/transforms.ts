import { call, quote, request } from './client';
import type { IdentityProfile, Transform, TransformInput } from './types';

const BASE = '/v3/transforms';

export interface TransformQuery {
  nameStartsWith?: string;
  /** `name`, `-name`, `type`, `-type` (the server also sorts by `id`). */
  sorters?: string;
  limit: number;
  offset: number;
}

export async function listTransforms(
  q: TransformQuery,
  signal?: AbortSignal,
): Promise<{ items: Transform[]; total: number }> {
  const filters = q.nameStartsWith ? `name sw ${quote(q.nameStartsWith)}` : undefined;
  const res = await request<Transform[]>(BASE, {
    query: { filters, sorters: q.sorters, limit: q.limit, offset: q.offset, count: true },
    signal,
  });
  return { items: res.data, total: res.total ?? res.data.length };
}

export const getTransform = (id: string, signal?: AbortSignal) =>
  call<Transform>(`${BASE}/${encodeURIComponent(id)}`, { signal });
export const createTransform = (input: TransformInput) => call<Transform>(BASE, { method: 'POST', body: input });
/** PUT replaces the attributes; name and type must be sent unchanged (the server refuses a change). */
export const replaceTransform = (
  t: Pick<Transform, 'id' | 'name' | 'type'>,
  attributes: TransformInput['attributes'],
) =>
  call<Transform>(`${BASE}/${encodeURIComponent(t.id)}`, {
    method: 'PUT',
    body: { name: t.name, type: t.type, attributes } satisfies TransformInput,
  });
export const deleteTransform = (id: string) => call<void>(`${BASE}/${encodeURIComponent(id)}`, { method: 'DELETE' });

/** Every page of a list, 250 at a time, up to `cap` items (`more` when there were more). */
async function all<T>(
  page: (offset: number) => Promise<{ items: T[]; total: number }>,
  cap: number,
  signal?: AbortSignal,
) {
  const items: T[] = [];
  let total = 0;
  do {
    const res = await page(items.length);
    items.push(...res.items);
    total = res.total;
    if (!res.items.length) break;
  } while (items.length < Math.min(total, cap) && !signal?.aborted);
  return { items, more: total > items.length };
}

export const allTransforms = (signal?: AbortSignal) =>
  all((offset) => listTransforms({ sorters: 'name', limit: 250, offset }, signal), 2000, signal);

/** The identity profiles (their mappings included), for "used by"; at most `cap`. */
export const allProfiles = (cap: number, signal?: AbortSignal) =>
  all(
    async (offset) => {
      const res = await request<IdentityProfile[]>('/v3/identity-profiles', {
        query: { sorters: 'name', limit: 250, offset, count: true },
        signal,
      });
      return { items: res.data, total: res.total ?? res.data.length };
    },
    cap,
    signal,
  );
