import { useState } from 'preact/hooks';
import { getTransform, replaceTransform } from '../../api/transforms';
import type { Transform } from '../../api/types';
import { ErrorBox } from '../../components/ErrorBox';
import { JsonEditor } from '../../components/JsonEditor';
import { useAction, useLoad } from '../../lib/hooks';
import { parseAttributes, pretty } from '../../lib/json-text';
import { Link } from '../../lib/router';
import { DeleteTransformDialog } from './DeleteTransformDialog';
import { TransformUsage } from './TransformUsage';

/** One transform: its definition, its attributes edited as JSON (PUT), where it is used, delete. */
export function TransformPage({ id }: { id: string }) {
  const [transform, setTransform] = useState<Transform>();
  const [text, setText] = useState('');
  const [tried, setTried] = useState(false);
  const [saved, setSaved] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const loaded = useLoad(
    async (signal) => {
      const t = await getTransform(id, signal);
      setTransform(t);
      setText(pretty(t.attributes));
      return t;
    },
    [id],
  );
  const save = useAction(async (attributes: Record<string, unknown> | null) => {
    const t = await replaceTransform(transform!, attributes);
    setTransform(t);
    setText(pretty(t.attributes));
    setTried(false);
    setSaved(true);
  });

  if (!transform) {
    return (
      <section>
        <p class="crumbs">
          <Link href="/transforms">‹ Transforms</Link>
        </p>
        <h1 tabIndex={-1}>{loaded.error ? 'Transform not available' : 'Loading transform…'}</h1>
        <ErrorBox error={loaded.error} />
      </section>
    );
  }
  const parsed = parseAttributes(text);
  const dirty = text !== pretty(transform.attributes);
  const edit = (v: string) => {
    setText(v);
    setSaved(false);
  };
  const submit = (e: Event) => {
    e.preventDefault();
    setTried(true);
    if (!parsed.ok) return document.getElementById('t-attributes')?.focus();
    void save.run(parsed.value);
  };
  const definition = { type: transform.type, attributes: parsed.ok ? parsed.value : transform.attributes };
  const usage = { type: 'reference', attributes: { id: transform.name } };
  return (
    <section class="transform">
      <p class="crumbs">
        <Link href="/transforms">‹ Transforms</Link>
      </p>
      <div class="page-head">
        <h1 tabIndex={-1}>{transform.name}</h1>
        <div class="actions">
          <button type="button" class="danger" disabled={transform.internal} onClick={() => setDeleting(true)}>
            Delete…
          </button>
        </div>
      </div>
      <dl class="facts-grid definition-facts">
        <div>
          <dt>Type</dt>
          <dd>
            <code>{transform.type}</code>
          </dd>
        </div>
        <div>
          <dt>Internal</dt>
          <dd>{transform.internal ? 'Yes (read-only)' : 'No'}</dd>
        </div>
        <div class="wide-fact">
          <dt>Id</dt>
          <dd>
            <code class="value">{transform.id}</code>
          </dd>
        </div>
      </dl>
      <div class="grid">
        <form class="panel stack" onSubmit={submit} aria-labelledby="t-edit-title">
          <h2 id="t-edit-title">Attributes</h2>
          <ErrorBox error={save.error} title="The attributes were not saved" />
          <JsonEditor
            id="t-attributes"
            label={`Attributes of this ${transform.type} transform (JSON)`}
            value={text}
            onChange={edit}
            readOnly={transform.internal}
            showError={dirty || tried}
            rows={16}
            hint={
              transform.internal
                ? 'Internal transforms are read-only.'
                : 'Name and type are fixed; saving replaces the attributes (PUT). Empty for none.'
            }
          />
          {!transform.internal && (
            <div class="buttons">
              <span role="status" class="ok-text">
                {saved && !dirty ? 'Saved.' : ''}
              </span>
              {dirty && <span class="muted">Unsaved changes</span>}
              <button
                type="button"
                disabled={!dirty || save.busy}
                onClick={() => (edit(pretty(transform.attributes)), save.clearError(), setTried(false))}
              >
                Revert
              </button>
              <button type="submit" class="primary" disabled={!dirty || save.busy}>
                {save.busy ? 'Saving…' : 'Save attributes'}
              </button>
            </div>
          )}
        </form>
        <div class="stack">
          <section class="panel" aria-labelledby="t-def-title">
            <h2 id="t-def-title">
              Definition {dirty && <span class="muted small">(with your unsaved attributes)</span>}
            </h2>
            <pre class="code-block" tabIndex={0} aria-label="Definition as JSON">
              {JSON.stringify(definition, null, 2)}
            </pre>
            <h3>Use it in a mapping</h3>
            <pre class="code-block" tabIndex={0} aria-label="Reference as JSON">
              {JSON.stringify(usage, null, 2)}
            </pre>
          </section>
          <TransformUsage transform={transform} />
        </div>
      </div>
      {deleting && <DeleteTransformDialog transform={transform} onClose={() => setDeleting(false)} />}
    </section>
  );
}
