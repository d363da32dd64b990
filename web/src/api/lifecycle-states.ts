import { call } from './client';
import type { JsonPatch, LifecycleState, LifecycleStateInput } from './types';

/** v2025: the version with identityState's enum and account actions over all sources. */
const base = (profileId: string) => `/v2025/identity-profiles/${encodeURIComponent(profileId)}/lifecycle-states`;

export const listStates = (profileId: string) =>
  call<LifecycleState[]>(base(profileId), { query: { sorters: 'priority,name', limit: 250 } });
export const createState = (profileId: string, input: LifecycleStateInput) =>
  call<LifecycleState>(base(profileId), { method: 'POST', body: input });
export const patchState = (profileId: string, id: string, ops: JsonPatch) =>
  call<LifecycleState>(`${base(profileId)}/${encodeURIComponent(id)}`, {
    method: 'PATCH',
    body: ops,
    contentType: 'application/json-patch+json',
  });
export const deleteState = (profileId: string, id: string) =>
  call<{ type: string; id: string; name: string }>(`${base(profileId)}/${encodeURIComponent(id)}`, {
    method: 'DELETE',
  });
