import { useState } from 'preact/hooks';
import { createState, patchState } from '../../api/lifecycle-states';
import type { AccountAction, AccountActionType, LifecycleState } from '../../api/types';
import { Dialog } from '../../components/Dialog';
import { ErrorBox } from '../../components/ErrorBox';
import { useAction } from '../../lib/hooks';
import { IDENTITY_STATE_LABELS } from '../../lib/lifecycle-states';
import { useSources } from '../../lib/sources';

interface Props {
  profileId: string;
  /** Undefined: a new state. */
  state?: LifecycleState;
  /** The profile's technical names in lower case (unique ignoring case). */
  taken: ReadonlySet<string>;
  onClose: () => void;
  onSaved: () => void;
}

interface ActionDraft {
  action: AccountActionType;
  allSources: boolean;
  /** The sources named: acted on, or (with allSources) left out. */
  sourceIds: string[];
}

const toDraft = (a: AccountAction): ActionDraft => ({
  action: a.action,
  allSources: !!a.allSources,
  sourceIds: [...((a.allSources ? a.excludeSourceIds : a.sourceIds) ?? [])],
});
const fromDraft = (d: ActionDraft) =>
  d.allSources
    ? { action: d.action, allSources: true, excludeSourceIds: d.sourceIds }
    : { action: d.action, allSources: false, sourceIds: d.sourceIds };

/**
 * Create or edit a lifecycle state. ISC's API changes only some fields of an existing state
 * (enabled, description, account actions, …): name, technical name and identity state are set
 * when it is created, and shown read-only afterwards.
 */
export function LifecycleStateDialog({ profileId, state, taken, onClose, onSaved }: Props) {
  const editing = state !== undefined;
  const { sources } = useSources();
  const [name, setName] = useState(state?.name ?? '');
  const [technicalName, setTechnicalName] = useState(state?.technicalName ?? '');
  const [enabled, setEnabled] = useState(state?.enabled ?? true);
  const [description, setDescription] = useState(state?.description ?? '');
  const [identityState, setIdentityState] = useState(state?.identityState ?? '');
  const [actions, setActions] = useState<ActionDraft[]>(state?.accountActions.map(toDraft) ?? []);
  const technicalTaken = !editing && taken.has(technicalName.trim().toLowerCase());
  const incomplete = actions.some((a) => !a.allSources && a.sourceIds.length === 0);

  const save = useAction(async () => {
    const accountActions = actions.map(fromDraft);
    if (state) {
      await patchState(profileId, state.id, [
        { op: 'replace', path: '/enabled', value: enabled },
        { op: 'replace', path: '/description', value: description.trim() || null },
        { op: 'replace', path: '/accountActions', value: accountActions },
      ]);
    } else {
      await createState(profileId, {
        name: name.trim(),
        technicalName: technicalName.trim(),
        enabled,
        description: description.trim() || null,
        identityState: identityState || null,
        accountActions,
      });
    }
    onSaved();
  });
  const update = (i: number, change: Partial<ActionDraft>) =>
    setActions(actions.map((a, j) => (j === i ? { ...a, ...change } : a)));
  const toggleSource = (i: number, id: string, on: boolean) =>
    update(i, { sourceIds: on ? [...actions[i].sourceIds, id] : actions[i].sourceIds.filter((s) => s !== id) });
  const submit = (e: Event) => {
    e.preventDefault();
    if (!technicalTaken && !incomplete) void save.run();
  };

  return (
    <Dialog title={editing ? `Lifecycle state ${state.name}` : 'New lifecycle state'} onClose={onClose} wide>
      <form onSubmit={submit} class="stack">
        <ErrorBox error={save.error} title="The lifecycle state was not saved" />
        <label for="state-name">Name</label>
        <input
          id="state-name"
          required
          maxLength={128}
          value={name}
          readOnly={editing}
          onInput={(e) => setName(e.currentTarget.value)}
        />
        <label for="state-technical">Technical name</label>
        <input
          id="state-technical"
          required
          maxLength={128}
          value={technicalName}
          readOnly={editing}
          aria-invalid={technicalTaken}
          aria-describedby="state-technical-note"
          onInput={(e) => setTechnicalName(e.currentTarget.value)}
        />
        <p id="state-technical-note" class={technicalTaken ? 'field-error' : 'hint'} aria-live="polite">
          {technicalTaken
            ? 'This profile already has a state with this technical name (names are compared ignoring case).'
            : editing
              ? 'Name, technical name and identity state are set when a state is created.'
              : 'The value the cloudLifecycleState mapping gives for identities in this state; it cannot be changed later.'}
        </p>
        <label class="check-label">
          <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} /> Enabled
        </label>
        <label for="state-description">Description</label>
        <textarea
          id="state-description"
          rows={2}
          maxLength={2000}
          value={description}
          onInput={(e) => setDescription(e.currentTarget.value)}
        />
        <label for="state-identity-state">Identity state</label>
        <select
          id="state-identity-state"
          value={identityState}
          disabled={editing}
          onChange={(e) => setIdentityState(e.currentTarget.value)}
        >
          <option value="">None</option>
          {Object.entries(IDENTITY_STATE_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        <fieldset class="account-actions">
          <legend>Account actions on entering this state</legend>
          {actions.length === 0 && <p class="hint">None: accounts are left as they are.</p>}
          {actions.map((a, i) => (
            <div class="account-action" key={i} role="group" aria-label={`Account action ${i + 1}`}>
              <select
                aria-label={`Action ${i + 1}`}
                value={a.action}
                onChange={(e) => update(i, { action: e.currentTarget.value as AccountActionType })}
              >
                <option value="DISABLE">Disable accounts</option>
                <option value="ENABLE">Enable accounts</option>
                <option value="DELETE">Delete accounts</option>
              </select>
              <label class="check-label">
                <input
                  type="checkbox"
                  checked={a.allSources}
                  onChange={(e) => update(i, { allSources: e.currentTarget.checked, sourceIds: [] })}
                />{' '}
                On all sources
              </label>
              <div class="source-choices">
                <span class="muted">{a.allSources ? 'Except:' : 'On:'}</span>
                {sources.map((s) => (
                  <label class="check-label" key={s.id}>
                    <input
                      type="checkbox"
                      checked={a.sourceIds.includes(s.id)}
                      onChange={(e) => toggleSource(i, s.id, e.currentTarget.checked)}
                    />{' '}
                    {s.name}
                  </label>
                ))}
              </div>
              {!a.allSources && a.sourceIds.length === 0 && (
                <p class="field-error">Choose at least one source, or act on all sources.</p>
              )}
              <button type="button" class="quiet" onClick={() => setActions(actions.filter((_, j) => j !== i))}>
                Remove action
              </button>
            </div>
          ))}
          <button
            type="button"
            onClick={() => setActions([...actions, { action: 'DISABLE', allSources: false, sourceIds: [] }])}
          >
            Add account action
          </button>
        </fieldset>
        <div class="buttons">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            class="primary"
            disabled={save.busy || !name.trim() || !technicalName.trim() || technicalTaken || incomplete}
          >
            {save.busy ? 'Saving…' : editing ? 'Save state' : 'Create state'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
