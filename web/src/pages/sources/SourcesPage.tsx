import { useState } from 'preact/hooks';
import { listSources } from '../../api/others';
import { ErrorBox } from '../../components/ErrorBox';
import { useLoad } from '../../lib/hooks';
import { forgetSources } from '../../lib/sources';
import { CreateSourceForm } from './CreateSourceForm';
import { UploadAccounts } from './UploadAccounts';

/** Sources: list, create, and load accounts from a CSV into one. */
export function SourcesPage() {
  const list = useLoad(() => listSources(), []);
  const [uploadTo, setUploadTo] = useState<string>();
  const [creating, setCreating] = useState(false);
  const changed = () => {
    forgetSources();
    list.reload();
  };
  const sources = list.data?.items ?? [];
  return (
    <section>
      <div class="page-head">
        <h1 tabIndex={-1}>Sources</h1>
        <div class="actions">
          <button type="button" class="primary" aria-expanded={creating} onClick={() => setCreating(!creating)}>
            New source
          </button>
        </div>
      </div>
      {creating && <CreateSourceForm onCreated={(s) => (setCreating(false), setUploadTo(s.id), changed())} onCancel={() => setCreating(false)} />}
      <ErrorBox error={list.error} title="The sources could not be loaded" />
      <div class="table-wrap">
        <table class="sources" aria-busy={list.loading}>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col" class="hide-narrow">Description</th>
              <th scope="col">Account attributes</th>
              <th scope="col" class="hide-narrow">Manager correlation</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sources.map((s) => (
              <tr key={s.id} class={uploadTo === s.id ? 'selected' : undefined}>
                <th scope="row">{s.name}</th>
                <td class="hide-narrow">{s.description || <span class="muted">—</span>}</td>
                <td class="attrs">{s.accountAttributeNames.length ? s.accountAttributeNames.join(', ') : <span class="muted">none yet (load a file)</span>}</td>
                <td class="hide-narrow">
                  {s.managerCorrelationMapping ? `${s.managerCorrelationMapping.accountAttributeName} → ${s.managerCorrelationMapping.identityAttributeName}` : <span class="muted">—</span>}
                </td>
                <td class="row-actions">
                  <button type="button" aria-label={`Upload accounts to ${s.name}`} onClick={() => setUploadTo(s.id)}>
                    Upload accounts
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!list.loading && sources.length === 0 && <p class="empty">No sources yet. A source holds the accounts (e.g. an HR export) that identities are formed from.</p>}
      {uploadTo && sources.some((s) => s.id === uploadTo) && (
        <UploadAccounts key={uploadTo} source={sources.find((s) => s.id === uploadTo)!} onLoaded={changed} onClose={() => setUploadTo(undefined)} />
      )}
    </section>
  );
}
