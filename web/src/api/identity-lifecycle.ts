import { call } from './client';

/** A profile's lifecycle state as the console shows it (v2025's shape, the fields used here). */
export interface StateOption {
  id: string;
  name: string;
  technicalName: string;
  enabled: boolean;
  identityState?: string | null;
}

/** The states of a profile, for choosing one (at most 250: a profile has a handful). */
export const statesOf = (profileId: string, signal?: AbortSignal) =>
  call<StateOption[]>(`/v2025/identity-profiles/${encodeURIComponent(profileId)}/lifecycle-states`, {
    query: { limit: 250 },
    signal,
  });

/** Sets an identity's state by hand; the answer's id is the task that recorded it (and its account actions). */
export const setLifecycleState = (identityId: string, lifecycleStateId: string) =>
  call<{ accountActivityId: string }>(`/v2025/identities/${encodeURIComponent(identityId)}/set-lifecycle-state`, {
    method: 'POST',
    body: { lifecycleStateId },
  });
