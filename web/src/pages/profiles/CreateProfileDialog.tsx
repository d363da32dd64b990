import { useState } from 'preact/hooks';
import { createProfile } from '../../api/profiles';
import type { IdentityProfile } from '../../api/types';
import { Dialog } from '../../components/Dialog';
import { ErrorBox } from '../../components/ErrorBox';
import { SourceSelect } from '../../components/SourceSelect';
import { useAction } from '../../lib/hooks';

/** New profile: name, description, authoritative source (picked from the sources), priority. */
export function CreateProfileDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (p: IdentityProfile) => void }) {
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
  const submit = (e: Event) => {
    e.preventDefault();
    void create.run();
  };
  return (
    <Dialog title="New identity profile" onClose={onClose}>
      <form onSubmit={submit} class="stack">
        <ErrorBox error={create.error} title="The profile was not created" />
        <label for="new-name">Name</label>
        <input id="new-name" name="name" required maxLength={128} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        <label for="new-description">Description</label>
        <textarea id="new-description" name="description" rows={2} maxLength={2000} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
        <SourceSelect id="new-source" label="Authoritative source" value={sourceId} onChange={setSourceId} required />
        <label for="new-priority">Priority</label>
        <input id="new-priority" name="priority" type="number" step={1} inputMode="numeric" value={priority} placeholder="Automatic: after the existing profiles" onInput={(e) => setPriority(e.currentTarget.value)} />
        <p class="hint">Lower numbers win when an identity has accounts on several authoritative sources.</p>
        <div class="buttons">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={create.busy || !name.trim() || !sourceId}>
            {create.busy ? 'Creating…' : 'Create profile'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
