import type { Remote } from './remote.js';

/**
 * The demo profile's provisioning settings: its lifecycle states, driven by the HR file's
 * `employmentStatus` through the `cloudLifecycleState` mapping (DEMO_MAPPINGS) — as identity
 * architects set up ISC: active people Active, people on leave On leave, leavers Inactive with
 * their HR account disabled.
 */
interface State {
  id: string;
  name: string;
  technicalName: string;
  enabled: boolean;
  identityCount: number;
}

/** employmentStatus → the technical name of the state it puts an identity in. */
export const DEMO_STATE_OF_STATUS = {
  active: 'active',
  leave: 'leave',
  terminated: 'inactive',
  default: 'active',
} as const;

const statesPath = (profileId: string) => `/v2025/identity-profiles/${profileId}/lifecycle-states`;

/**
 * Enables the profile's default states (a new profile has them disabled), gives Inactive its
 * account action — disable the person's account on the demo source — and adds On leave.
 */
export async function setUpDemoStates(
  remote: Remote,
  profileId: string,
  sourceId: string,
  out: NodeJS.WritableStream,
): Promise<void> {
  const base = statesPath(profileId);
  const states = (await remote.call<State[]>('GET', base)).body;
  const find = (technicalName: string) => states.find((s) => s.technicalName === technicalName);
  const patch = (state: State, ops: unknown[]) => remote.call('PATCH', `${base}/${state.id}`, { json: ops });
  const active = find('active');
  if (active) await patch(active, [{ op: 'replace', path: '/enabled', value: true }]);
  const inactive = find('inactive');
  if (inactive) {
    await patch(inactive, [
      { op: 'replace', path: '/enabled', value: true },
      {
        op: 'replace',
        path: '/accountActions',
        value: [{ action: 'DISABLE', sourceIds: [sourceId], excludeSourceIds: null, allSources: false }],
      },
    ]);
  }
  if (!find('leave')) {
    await remote.call('POST', base, {
      json: {
        name: 'On leave',
        technicalName: 'leave',
        enabled: true,
        description: 'Away for a while (employmentStatus leave)',
        identityState: 'INACTIVE_SHORT_TERM',
        accountActions: [],
        priority: 15,
      },
    });
  }
  out.write(
    "Lifecycle states: Active, On leave, and Inactive (disables the person's Demo HR account), from employmentStatus.\n",
  );
}

/** One line: each state and how many identities it holds. */
export async function describeDemoStates(remote: Remote, profileId: string, out: NodeJS.WritableStream): Promise<void> {
  const states = (await remote.call<State[]>('GET', `${statesPath(profileId)}?sorters=priority`)).body;
  if (!states.length) return;
  out.write(`Lifecycle states: ${states.map((s) => `${s.name} ${s.identityCount}`).join(', ')}.\n`);
}
