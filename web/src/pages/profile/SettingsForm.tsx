import { useState } from 'preact/hooks';
import { patchProfile } from '../../api/profiles';
import type { IdentityProfile, JsonPatch } from '../../api/types';
import { ErrorBox } from '../../components/ErrorBox';
import { IdentityPicker } from '../../components/IdentityPicker';
import { SourceSelect } from '../../components/SourceSelect';
import { priorityProblem } from '../../lib/format';
import { useAction } from '../../lib/hooks';

type Owner = IdentityProfile['owner'];

/**
 * The profile's settings, saved as a JSON Patch of only what changed, guarded by `test /modified`
 * (someone else's save in between is refused instead of overwritten).
 */
export function SettingsForm({
  profile,
  onSaved,
}: {
  profile: IdentityProfile;
  onSaved: (p: IdentityProfile) => void;
}) {
  const [name, setName] = useState(profile.name);
  const [description, setDescription] = useState(profile.description ?? '');
  const [priority, setPriority] = useState(String(profile.priority));
  const [sourceId, setSourceId] = useState(profile.authoritativeSource.id);
  const [owner, setOwner] = useState<Owner>(profile.owner);
  const [pickingOwner, setPickingOwner] = useState(false);
  const [done, setDone] = useState(false);

  const ops: JsonPatch = [];
  if (name.trim() !== profile.name) ops.push({ op: 'replace', path: '/name', value: name.trim() });
  if ((description.trim() || null) !== profile.description)
    ops.push({ op: 'replace', path: '/description', value: description.trim() || null });
  if (priority.trim() !== '' && Number(priority) !== profile.priority)
    ops.push({ op: 'replace', path: '/priority', value: Number(priority) });
  if (sourceId !== profile.authoritativeSource.id)
    ops.push({ op: 'replace', path: '/authoritativeSource', value: { type: 'SOURCE', id: sourceId } });
  if ((owner?.id ?? null) !== (profile.owner?.id ?? null)) ops.push({ op: 'replace', path: '/owner', value: owner });

  const save = useAction(async () => {
    onSaved(await patchProfile(profile.id, [{ op: 'test', path: '/modified', value: profile.modified }, ...ops]));
    setDone(true);
  });
  const submit = (e: Event) => {
    e.preventDefault();
    setDone(false);
    void save.run();
  };
  const priorityError = priorityProblem(priority, profile.priority);
  const priorityValid = !priorityError;

  return (
    <form class="panel stack" onSubmit={submit} aria-labelledby="settings-title">
      <h2 id="settings-title">Settings</h2>
      <label for="p-name">Name</label>
      <input
        id="p-name"
        name="name"
        required
        maxLength={128}
        value={name}
        onInput={(e) => setName(e.currentTarget.value)}
      />
      <label for="p-description">Description</label>
      <textarea
        id="p-description"
        name="description"
        rows={2}
        maxLength={2000}
        value={description}
        onInput={(e) => setDescription(e.currentTarget.value)}
      />
      <div class="row">
        <div class="stack">
          <label for="p-priority">Priority</label>
          <input
            id="p-priority"
            name="priority"
            type="number"
            step={1}
            min={0}
            required
            value={priority}
            onInput={(e) => (setPriority(e.currentTarget.value), setDone(false))}
            aria-invalid={!priorityValid}
            aria-describedby="p-priority-note"
          />
          <p id="p-priority-note" class={priorityValid ? 'hint' : 'field-error'} aria-live="polite">
            {priorityError ?? 'Lower numbers come first.'}
          </p>
        </div>
        <div class="stack grow">
          <SourceSelect id="p-source" label="Authoritative source" value={sourceId} onChange={setSourceId} required />
        </div>
      </div>
      <fieldset class="owner">
        <legend>Owner</legend>
        <span>{owner ? owner.name || owner.id : <span class="muted">No owner</span>}</span>
        <button
          type="button"
          class="quiet"
          aria-label={pickingOwner ? 'Done choosing the owner' : 'Change owner'}
          aria-expanded={pickingOwner}
          onClick={() => setPickingOwner(!pickingOwner)}
        >
          {pickingOwner ? 'Done' : 'Change'}
        </button>
        {owner && (
          <button type="button" class="quiet" aria-label="Remove owner" onClick={() => setOwner(null)}>
            Remove
          </button>
        )}
        {pickingOwner && (
          <IdentityPicker
            label="Find the owner"
            selected={owner?.id}
            onPick={(i) => (setOwner({ type: 'IDENTITY', id: i.id, name: i.name }), setPickingOwner(false))}
          />
        )}
      </fieldset>
      {sourceId !== profile.authoritativeSource.id && (
        <p class="hint">Changing the source marks the profile for a refresh; save mapping changes separately.</p>
      )}
      <ErrorBox error={save.error} title="Settings not saved" />
      <div class="buttons">
        {done && !ops.length && (
          <span role="status" class="ok-text">
            Saved.
          </span>
        )}
        <button type="submit" class="primary" disabled={!ops.length || !priorityValid || !name.trim() || save.busy}>
          {save.busy ? 'Saving…' : 'Save settings'}
        </button>
      </div>
    </form>
  );
}
