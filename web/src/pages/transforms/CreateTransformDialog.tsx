import { useRef, useState } from 'preact/hooks';
import { createTransform } from '../../api/transforms';
import type { Transform } from '../../api/types';
import { Dialog } from '../../components/Dialog';
import { ErrorBox } from '../../components/ErrorBox';
import { JsonEditor } from '../../components/JsonEditor';
import { useAction } from '../../lib/hooks';
import { parseAttributes, pretty } from '../../lib/json-text';
import { TRANSFORM_TYPES, TYPE_NAMES } from '../../lib/transform-types';

/**
 * A new named transform: name, operation type, attributes as JSON. Choosing a type fills in a
 * starter (until something else is typed); a syntax error stops the form before anything is sent.
 */
export function CreateTransformDialog({
  onClose,
  onCreated,
}: {
  onClose: () => void;
  onCreated: (t: Transform) => void;
}) {
  const [name, setName] = useState('');
  const [type, setType] = useState('');
  const [text, setText] = useState('');
  const [touched, setTouched] = useState(false);
  const [tried, setTried] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const create = useAction(async (attributes: Record<string, unknown> | null) =>
    onCreated(await createTransform({ name: name.trim(), type, attributes })),
  );
  const parsed = parseAttributes(text);
  const chooseType = (next: string) => {
    setType(next);
    // Replace the starter of the previous type, never what was typed.
    if (!text.trim() || text === pretty(TRANSFORM_TYPES[type] ?? {})) setText(pretty(TRANSFORM_TYPES[next] ?? {}));
  };
  const submit = (e: Event) => {
    e.preventDefault();
    setTried(true);
    if (!parsed.ok) {
      form.current?.querySelector<HTMLElement>('#t-attributes')?.focus();
      return;
    }
    void create.run(parsed.value);
  };
  return (
    <Dialog title="New transform" onClose={onClose} wide>
      <form ref={form} class="stack" onSubmit={submit}>
        <ErrorBox error={create.error} title="The transform was not created" />
        <div class="row">
          <div class="stack grow">
            <label for="t-name">Name</label>
            <input
              id="t-name"
              name="name"
              required
              maxLength={50}
              autocomplete="off"
              value={name}
              onInput={(e) => setName(e.currentTarget.value)}
              aria-describedby="t-name-hint"
            />
            <p id="t-name-hint" class="hint">
              Unique; mappings refer to it by this name. It cannot be changed later.
            </p>
          </div>
          <div class="stack grow">
            <label for="t-type">Type</label>
            <select
              id="t-type"
              name="type"
              required
              value={type}
              onChange={(e) => chooseType(e.currentTarget.value)}
              aria-describedby="t-type-hint"
            >
              <option value="" disabled>
                Choose an operation
              </option>
              {TYPE_NAMES.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
            <p id="t-type-hint" class="hint">
              Fixed once created.
            </p>
          </div>
        </div>
        <JsonEditor
          id="t-attributes"
          label="Attributes (JSON)"
          value={text}
          onChange={(v) => (setText(v), setTouched(true))}
          showError={touched || tried}
          hint={
            'The operation’s configuration, e.g. {"input": {…}}; empty for none. The server checks it with the transform engine.'
          }
        />
        <div class="buttons">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={create.busy}>
            {create.busy ? 'Creating…' : 'Create transform'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
