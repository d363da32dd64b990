import type { LifecycleStateInput } from '../../../src/domain/lifecycle-states/schema.js';
import { jsonPatch, query, type ListOptions, type Send } from './request.js';

/**
 * A lifecycle state as the current versions (v2024 and later) show it. Its TypeBox schema is built
 * per shape at run time (`LifecycleStateOutput`), so its static type is spelled out here.
 */
export interface LifecycleState {
  id: string;
  name: string;
  technicalName: string;
  created: string;
  modified: string;
  enabled: boolean;
  description?: string | null;
  identityCount: number;
  emailNotificationOption: {
    notifyManagers: boolean;
    notifyAllAdmins: boolean;
    notifySpecificUsers: boolean;
    emailAddressList: string[];
  };
  accountActions: Array<{
    action: string;
    sourceIds?: string[] | null;
    excludeSourceIds?: string[] | null;
    allSources?: boolean;
  }>;
  accessProfileIds: string[];
  identityState?: string | null;
  priority?: number | null;
  accessActionConfiguration?: { removeAllAccessEnabled: boolean };
}

/** The lifecycle states of identity profiles (`/v2025/identity-profiles/{id}/lifecycle-states` unless `profilesBase` names another version's). */
export function lifecycleStatesClient(send: Send, profilesBase = '/v2025/identity-profiles') {
  const base = (profileId: string) => `${profilesBase}/${profileId}/lifecycle-states`;
  return {
    create: (profileId: string, state: LifecycleStateInput) =>
      send<LifecycleState>({ method: 'POST', url: base(profileId), payload: state, status: 201 }),
    get: (profileId: string, id: string) => send<LifecycleState>({ method: 'GET', url: `${base(profileId)}/${id}` }),
    list: (profileId: string, options: ListOptions = {}) =>
      send<LifecycleState[]>({ method: 'GET', url: `${base(profileId)}${query(options)}` }),
    patch: (profileId: string, id: string, ops: unknown[]) =>
      send<LifecycleState>({ method: 'PATCH', url: `${base(profileId)}/${id}`, ...jsonPatch(ops) }),
    delete: (profileId: string, id: string) =>
      send<{ type: 'LIFECYCLE_STATE'; id: string; name: string }>({
        method: 'DELETE',
        url: `${base(profileId)}/${id}`,
        status: 202,
      }),
  };
}
