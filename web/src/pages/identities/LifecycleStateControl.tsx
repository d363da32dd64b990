import { useState } from 'preact/hooks';
import { setLifecycleState, statesOf } from '../../api/identity-lifecycle';
import type { Identity } from '../../api/types';
import { ErrorBox } from '../../components/ErrorBox';
import { useLoad } from '../../lib/hooks';

/**
 * An identity's lifecycle state — computed from its profile's `cloudLifecycleState` mapping, or
 * set by hand — and a way to set it by hand (set-lifecycle-state). A state set by hand holds until
 * the computed value changes (README, "Lifecycle states in processing").
 */
export function LifecycleStateControl({ identity, onChanged }: { identity: Identity; onChanged: () => void }) {
  const profileId = identity.identityProfile?.id;
  const states = useLoad((signal) => (profileId ? statesOf(profileId, signal) : Promise.resolve([])), [profileId]);
  const current = identity.lifecycleState;
  const [chosen, setChosen] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const enabled = (states.data ?? []).filter((s) => s.enabled);
  const currentState = states.data?.find((s) => s.technicalName === current?.stateName);

  async function submit(e: Event) {
    e.preventDefault();
    if (!chosen) return;
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      const { accountActivityId } = await setLifecycleState(identity.id, chosen);
      setDone(accountActivityId);
      onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="lifecycle" aria-labelledby="lifecycle-title">
      <h3 id="lifecycle-title">Lifecycle state</h3>
      <p data-testid="lifecycle-state">
        {current ? (
          <>
            <b>{currentState?.name ?? current.stateName}</b> <span class="muted">({current.stateName})</span>{' '}
            <span class={`tag ${current.manuallyUpdated ? 'manual' : ''}`}>
              {current.manuallyUpdated ? 'set by hand' : 'computed'}
            </span>
            {identity.identityState && <span class="tag">{identity.identityState}</span>}
          </>
        ) : (
          <span class="muted">
            None
            {profileId
              ? ': its cloudLifecycleState names no enabled state, or no run has set one yet'
              : ': the identity has no profile'}
            .
          </span>
        )}
      </p>
      {profileId && (
        <form class="inline-form" onSubmit={submit}>
          <label>
            Set by hand{' '}
            <select
              name="lifecycleStateId"
              value={chosen}
              onChange={(e) => setChosen((e.target as HTMLSelectElement).value)}
              disabled={busy || !enabled.length}
            >
              <option value="">{enabled.length ? 'Choose a state…' : 'No enabled state'}</option>
              {enabled.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name} ({s.technicalName})
                </option>
              ))}
            </select>
          </label>{' '}
          <button type="submit" disabled={busy || !chosen}>
            {busy ? 'Setting…' : 'Set state'}
          </button>
        </form>
      )}
      <ErrorBox error={states.error ?? error} />
      {done && (
        <p role="status" class="muted small">
          Done: its account actions ran; recorded as task {done}. The state holds until the computed value changes.
        </p>
      )}
    </section>
  );
}
