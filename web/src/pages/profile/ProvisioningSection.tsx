import { useState } from 'preact/hooks';
import { deleteState, listStates } from '../../api/lifecycle-states';
import type { IdentityProfile, LifecycleState } from '../../api/types';
import { Dialog } from '../../components/Dialog';
import { ErrorBox } from '../../components/ErrorBox';
import { plural } from '../../lib/format';
import { useAction, useLoad } from '../../lib/hooks';
import { describeAction, IDENTITY_STATE_LABELS } from '../../lib/lifecycle-states';
import { summarize } from '../../lib/mappings';
import { useSources } from '../../lib/sources';
import { LifecycleStateDialog } from './LifecycleStateDialog';

/**
 * The profile's provisioning settings: its lifecycle states with their identity counts, and which
 * mapping gives identities their state (`cloudLifecycleState`, whose value is a technical name).
 */
export function ProvisioningSection({ profile, version }: { profile: IdentityProfile; version: number }) {
  const [changed, setChanged] = useState(0);
  const states = useLoad(() => listStates(profile.id), [profile.id, version, changed]);
  const { sources } = useSources();
  const [editing, setEditing] = useState<LifecycleState | 'new'>();
  const [deleting, setDeleting] = useState<LifecycleState>();
  const remove = useAction(async (s: LifecycleState) => {
    await deleteState(profile.id, s.id);
    setDeleting(undefined);
    setChanged((n) => n + 1);
  });
  const mapping = profile.identityAttributeConfig.attributeTransforms.find(
    (m) => m.identityAttributeName === 'cloudLifecycleState',
  );
  const list = states.data ?? [];
  const known = new Set(list.map((s) => s.technicalName.toLowerCase()));

  return (
    <section class="panel" aria-labelledby="provisioning-title">
      <div class="section-head">
        <h2 id="provisioning-title">Provisioning: lifecycle states</h2>
        <div class="actions">
          <button type="button" onClick={() => setEditing('new')}>
            Add lifecycle state
          </button>
        </div>
      </div>
      <p class={mapping ? 'state-source' : 'state-source notice'} data-testid="state-source">
        {mapping ? (
          <>
            Identities get their state from the mapping <b>cloudLifecycleState</b> ←{' '}
            <code class="summary">{summarize(mapping.transformDefinition)}</code>: its value is a state's technical
            name.
          </>
        ) : (
          <>
            No mapping: identities get no state. Map <b>cloudLifecycleState</b> in Attribute mappings to a value that is
            one of the technical names below.
          </>
        )}
      </p>
      <ErrorBox error={states.error} title="Lifecycle states not loaded" />
      <div class="table-wrap">
        <table class="states cards">
          <thead>
            <tr>
              <th scope="col">State</th>
              <th scope="col">Technical name</th>
              <th scope="col">Enabled</th>
              <th scope="col">Identity state</th>
              <th scope="col">Account actions</th>
              <th scope="col">Identities</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((s) => (
              <tr key={s.id}>
                <th scope="row">
                  {s.name}
                  {s.description && <p class="muted">{s.description}</p>}
                </th>
                <td data-label="Technical name">
                  <code>{s.technicalName}</code>
                </td>
                <td data-label="Enabled">{s.enabled ? 'Yes' : <span class="muted">No</span>}</td>
                <td data-label="Identity state">
                  {s.identityState ? (
                    (IDENTITY_STATE_LABELS[s.identityState] ?? s.identityState)
                  ) : (
                    <span class="muted">—</span>
                  )}
                </td>
                <td data-label="Account actions">
                  {s.accountActions.length ? (
                    s.accountActions.map((a, i) => <p key={i}>{describeAction(a, sources)}</p>)
                  ) : (
                    <span class="muted">None</span>
                  )}
                </td>
                <td class="num" data-label="Identities">
                  {s.identityCount.toLocaleString()}
                </td>
                <td class="row-actions">
                  <button
                    type="button"
                    class="quiet"
                    aria-label={`Edit lifecycle state ${s.name}`}
                    onClick={() => setEditing(s)}
                  >
                    Edit
                  </button>
                  <button
                    type="button"
                    class="quiet"
                    aria-label={`Delete lifecycle state ${s.name}`}
                    onClick={() => (remove.clearError(), setDeleting(s))}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {states.data && list.length === 0 && (
        <p class="empty">No lifecycle states. Add one for each value the cloudLifecycleState mapping gives.</p>
      )}
      {editing !== undefined && (
        <LifecycleStateDialog
          profileId={profile.id}
          state={editing === 'new' ? undefined : editing}
          taken={known}
          onClose={() => setEditing(undefined)}
          onSaved={() => (setEditing(undefined), setChanged((n) => n + 1))}
        />
      )}
      {deleting && (
        <Dialog title={`Delete lifecycle state ${deleting.name}?`} onClose={() => setDeleting(undefined)}>
          <div class="stack">
            <ErrorBox error={remove.error} title="The state was not deleted" />
            <p>
              {deleting.identityCount > 0
                ? `${plural(deleting.identityCount, 'identity is', 'identities are')} in this state: it cannot be deleted until they move to another.`
                : `The state ${deleting.technicalName} and its settings will be removed. Identities whose mapping gives this value will then get no state.`}
            </p>
            <div class="buttons">
              <button type="button" onClick={() => setDeleting(undefined)}>
                Cancel
              </button>
              <button type="button" class="danger" disabled={remove.busy} onClick={() => void remove.run(deleting)}>
                {remove.busy ? 'Deleting…' : 'Delete state'}
              </button>
            </div>
          </div>
        </Dialog>
      )}
    </section>
  );
}
