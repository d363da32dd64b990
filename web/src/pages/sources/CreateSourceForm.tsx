import { useState } from 'preact/hooks';
import { createSource } from '../../api/others';
import type { Source } from '../../api/types';
import { ErrorBox } from '../../components/ErrorBox';
import { useAction } from '../../lib/hooks';

/** A new source: name, description, the CSV's id and name columns, and optional manager correlation. */
export function CreateSourceForm({ onCreated, onCancel }: { onCreated: (s: Source) => void; onCancel: () => void }) {
  const [f, setF] = useState({
    name: '',
    description: '',
    accountIdColumn: 'id',
    accountNameColumn: 'name',
    managerAttribute: '',
    managerIdentityAttribute: '',
  });
  const set = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: (e.currentTarget as HTMLInputElement).value });
  const create = useAction(async () => {
    const manager = f.managerAttribute.trim() && f.managerIdentityAttribute.trim();
    onCreated(
      await createSource({
        name: f.name.trim(),
        description: f.description.trim() || null,
        accountIdColumn: f.accountIdColumn.trim() || undefined,
        accountNameColumn: f.accountNameColumn.trim() || undefined,
        managerCorrelationMapping: manager
          ? {
              accountAttributeName: f.managerAttribute.trim(),
              identityAttributeName: f.managerIdentityAttribute.trim(),
            }
          : null,
      }),
    );
  });
  const submit = (e: Event) => {
    e.preventDefault();
    void create.run();
  };
  return (
    <form class="panel stack" onSubmit={submit} aria-labelledby="new-source-title">
      <h2 id="new-source-title">New source</h2>
      <ErrorBox error={create.error} title="The source was not created" />
      <div class="row">
        <div class="stack grow">
          <label for="s-name">Name</label>
          <input id="s-name" name="name" required maxLength={128} value={f.name} onInput={set('name')} />
        </div>
        <div class="stack grow">
          <label for="s-description">Description</label>
          <input
            id="s-description"
            name="description"
            maxLength={2000}
            value={f.description}
            onInput={set('description')}
          />
        </div>
      </div>
      <div class="row">
        <div class="stack grow">
          <label for="s-id-column">Account id column</label>
          <input id="s-id-column" name="accountIdColumn" value={f.accountIdColumn} onInput={set('accountIdColumn')} />
        </div>
        <div class="stack grow">
          <label for="s-name-column">Account name column</label>
          <input
            id="s-name-column"
            name="accountNameColumn"
            value={f.accountNameColumn}
            onInput={set('accountNameColumn')}
          />
        </div>
      </div>
      <fieldset>
        <legend>Manager correlation (optional)</legend>
        <p class="hint">
          An account's manager column holds a value of the manager's identity attribute, e.g. managerId →
          employeeNumber.
        </p>
        <div class="row">
          <div class="stack grow">
            <label for="s-manager-attr">Account attribute</label>
            <input
              id="s-manager-attr"
              name="managerAccountAttribute"
              placeholder="managerId"
              value={f.managerAttribute}
              onInput={set('managerAttribute')}
            />
          </div>
          <div class="stack grow">
            <label for="s-manager-identity">Identity attribute</label>
            <input
              id="s-manager-identity"
              name="managerIdentityAttribute"
              placeholder="employeeNumber"
              value={f.managerIdentityAttribute}
              onInput={set('managerIdentityAttribute')}
            />
          </div>
        </div>
      </fieldset>
      <div class="buttons">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" class="primary" disabled={!f.name.trim() || create.busy}>
          {create.busy ? 'Creating…' : 'Create source'}
        </button>
      </div>
    </form>
  );
}
