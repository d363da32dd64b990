import { useState } from 'preact/hooks';
import { createProfile } from '../../api/profiles';
import type { IdentityProfile } from '../../api/types';
import { Dialog } from '../../components/Dialog';
import { ErrorBox } from '../../components/ErrorBox';
import { SourceSelect } from '../../components/SourceSelect';
import { priorityProblem } from '../../lib/format';
import { useAction } from '../../lib/hooks';

/** New profile: name, description, authoritative source (picked from the sources), priority. */
export function CreateProfileDialog({
  onClose,
  onCreated,
}: {
  onClose: () => void;
  onCreated: (p: IdentityProfile) => void;
}) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [sourceId, setSourceId] = useState('');
  const [priority, setPriority] = useState('');
  const create = useAction(async () => {
    const profile = await createProfile({
      name: name.trim(),
      description: description.trim() || null,
      authoritativeSource: { type: 'SOURCE', id: sourceId },
      ...(priority.trim() ? { priority: Number(priority) } : {}),
      identityAttributeConfig: { enabled: true, attributeTransforms: [] },
    });
    onCreated(profile);
  });
  const priorityError = priority.trim() ? priorityProblem(priority) : undefined;
  const submit = (e: Event) => {
    e.preventDefault();
    if (!priorityError) void create.run();
  };
  return (
    <Dialog title="New identity profile" onClose={onClose}>
      <form onSubmit={submit} class="stack">
        <ErrorBox error={create.error} title="The profile was not created" />
        <label for="new-name">Name</label>
        <input
          id="new-name"
          name="name"
          required
          maxLength={128}
          value={name}
          onInput={(e) => setName(e.currentTarget.value)}
        />
        <label for="new-description">Description</label>
        <textarea
          id="new-description"
          name="description"
          rows={2}
          maxLength={2000}
          value={description}
          onInput={(e) => setDescription(e.currentTarget.value)}
        />
        <SourceSelect id="new-source" label="Authoritative source" value={sourceId} onChange={setSourceId} required />
        <label for="new-priority">Priority</label>
        <input
          id="new-priority"
          name="priority"
          type="number"
          step={1}
          min={0}
          inputMode="numeric"
          value={priority}
          placeholder="Automatic: after the existing profiles"
          onInput={(e) => setPriority(e.currentTarget.value)}
          aria-invalid={!!priorityError}
          aria-describedby="new-priority-note"
        />
        <p id="new-priority-note" class={priorityError ? 'field-error' : 'hint'} aria-live="polite">
          {priorityError ?? 'Lower numbers win when an identity has accounts on several authoritative sources.'}
        </p>
        <div class="buttons">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={create.busy || !name.trim() || !sourceId || !!priorityError}>
            {create.busy ? 'Creating…' : 'Create profile'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
