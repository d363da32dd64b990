import { useState } from 'preact/hooks';
import { accountCount, deleteSource, lastLoads, listSources } from '../../api/others';
import { listProfiles } from '../../api/profiles';
import type { Source, TaskStatus } from '../../api/types';
import { Dialog } from '../../components/Dialog';
import { ErrorBox } from '../../components/ErrorBox';
import { formatDate } from '../../lib/format';
import { useAction, useLoad } from '../../lib/hooks';
import { Link } from '../../lib/router';
import { forgetSources } from '../../lib/sources';
import { CreateSourceForm } from './CreateSourceForm';
import { UploadAccounts } from './UploadAccounts';

const COUNTED = 50;

async function countAccounts(ids: string[], signal: AbortSignal): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++];
      out.set(id, await accountCount(id, signal));
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return out;
}

/** Sources: list with their accounts, last load and profile; create, load accounts from a CSV, delete. */
export function SourcesPage() {
  const list = useLoad(() => listSources(), []);
  const [uploadTo, setUploadTo] = useState<string>();
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<Source>();
  const sources = list.data?.items ?? [];
  const ids = sources.map((s) => s.id);
  // one request per source: the first COUNTED at once (4 at a time, well inside the rate limit), the rest on demand
  const counts = useLoad((signal) => countAccounts(ids.slice(0, COUNTED), signal), [ids.join()]);
  const [more, setMore] = useState(new Map<string, number>());
  const countOne = async (id: string) => {
    const n = await accountCount(id).catch(() => undefined);
    if (n !== undefined) setMore((m) => new Map(m).set(id, n));
  };
  const countOf = (id: string) => counts.data?.get(id) ?? more.get(id);
  const loads = useLoad((signal) => lastLoads(ids, signal), [ids.join()]);
  const profiles = useLoad(() => listProfiles({ sorters: 'name', limit: 250, offset: 0 }), [ids.join()]);
  const profileOf = (id: string) => profiles.data?.items.find((p) => p.authoritativeSource.id === id);
  const changed = () => {
    forgetSources();
    list.reload();
    counts.reload();
    setMore(new Map());
    loads.reload();
  };
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
      {creating && (
        <CreateSourceForm
          onCreated={(s) => (setCreating(false), setUploadTo(s.id), changed())}
          onCancel={() => setCreating(false)}
        />
      )}
      <ErrorBox error={list.error} title="The sources could not be loaded" />
      <div class="table-wrap">
        <table class="sources" aria-busy={list.loading}>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col" class="num">
                Accounts
              </th>
              <th scope="col">Last load</th>
              <th scope="col">Identity profile</th>
              <th scope="col">Account attributes</th>
              <th scope="col" class="hide-narrow">
                Manager correlation
              </th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sources.map((s) => {
              const profile = profileOf(s.id);
              return (
                <tr key={s.id} class={uploadTo === s.id ? 'selected' : undefined}>
                  <th scope="row">
                    {s.name}
                    {s.description && <div class="muted small desc">{s.description}</div>}
                  </th>
                  <td class="num" data-label="Accounts">
                    {countOf(s.id)?.toLocaleString() ??
                      (ids.indexOf(s.id) < COUNTED ? (
                        '…'
                      ) : (
                        <button
                          type="button"
                          class="quiet"
                          aria-label={`Count the accounts of ${s.name}`}
                          onClick={() => void countOne(s.id)}
                        >
                          Count
                        </button>
                      ))}
                  </td>
                  <td data-label="Last load">
                    <LastLoad task={loads.data?.get(s.id)} loading={loads.loading && !loads.data} />
                  </td>
                  <td data-label="Identity profile">
                    {profile ? (
                      <Link href={`/profiles/${encodeURIComponent(profile.id)}`}>{profile.name}</Link>
                    ) : (
                      <span class="muted">none</span>
                    )}
                  </td>
                  <td class="attrs">
                    {s.accountAttributeNames.length ? (
                      s.accountAttributeNames.join(', ')
                    ) : (
                      <span class="muted">none yet (load a file)</span>
                    )}
                  </td>
                  <td class="hide-narrow">
                    {s.managerCorrelationMapping ? (
                      `${s.managerCorrelationMapping.accountAttributeName} → ${s.managerCorrelationMapping.identityAttributeName}`
                    ) : (
                      <span class="muted">—</span>
                    )}
                  </td>
                  <td class="row-actions">
                    <button type="button" aria-label={`Upload accounts to ${s.name}`} onClick={() => setUploadTo(s.id)}>
                      Upload accounts
                    </button>
                    <button
                      type="button"
                      class="quiet danger-text"
                      aria-label={`Delete source ${s.name}`}
                      onClick={() => setDeleting(s)}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <ErrorBox error={counts.error ?? loads.error} title="Some figures could not be loaded" />
      {!list.loading && sources.length === 0 && (
        <p class="empty">
          No sources yet. A source holds the accounts (e.g. an HR export) that identities are formed from.
        </p>
      )}
      {uploadTo && sources.some((s) => s.id === uploadTo) && (
        <UploadAccounts
          key={uploadTo}
          source={sources.find((s) => s.id === uploadTo)!}
          onLoaded={changed}
          onClose={() => setUploadTo(undefined)}
        />
      )}
      {deleting && (
        <DeleteSourceDialog
          source={deleting}
          accounts={countOf(deleting.id)}
          profileName={profileOf(deleting.id)?.name}
          onClose={(deleted) => {
            setDeleting(undefined);
            if (deleted) {
              if (uploadTo === deleting.id) setUploadTo(undefined);
              changed();
            }
          }}
        />
      )}
    </section>
  );
}

const n = (v: number | undefined) => (v ?? 0).toLocaleString();

/** When the source's last load ran and how it ended (rows and changes, or why it failed). */
function LastLoad({ task, loading }: { task?: TaskStatus; loading: boolean }) {
  if (loading) return <span class="muted">…</span>;
  if (!task) return <span class="muted">never</span>;
  const r = (task.result ?? {}) as {
    rows?: number;
    added?: number;
    updated?: number;
    removed?: number;
    rejected?: number;
  };
  const status = task.completionStatus;
  const badge = !task.completed ? 'running' : status === 'Success' ? 'ok' : status === 'Warning' ? 'warn' : 'failed';
  const summary = !task.completed
    ? `${task.percentComplete}%`
    : status === 'Success' || status === 'Warning'
      ? `${n(r.rows)} rows: ${n(r.added)} added, ${n(r.updated)} updated, ${n(r.removed)} removed${r.rejected ? `, ${n(r.rejected)} rejected` : ''}`
      : (task.messages.find((m) => m.type === 'ERROR')?.localizedText.message ?? 'failed');
  return (
    <div class="last-load">
      <span class={`badge ${badge}`}>{task.completed ? status : 'Running'}</span>{' '}
      <span class="small">{formatDate(task.completed ?? task.launched)}</span>
      <div class="muted small">{summary}</div>
    </div>
  );
}

/** Confirms a delete; the server refuses (400, naming it) while a profile has the source as its authoritative one. */
function DeleteSourceDialog({
  source,
  accounts,
  profileName,
  onClose,
}: {
  source: Source;
  accounts?: number;
  profileName?: string;
  onClose: (deleted: boolean) => void;
}) {
  const remove = useAction(async () => {
    await deleteSource(source.id);
    onClose(true);
  });
  return (
    <Dialog title={`Delete ${source.name}?`} onClose={() => onClose(false)}>
      <p>
        The source <b>{source.name}</b>
        {accounts !== undefined && ` and its ${accounts.toLocaleString()} account${accounts === 1 ? '' : 's'}`} will be
        deleted. This cannot be undone.
      </p>
      {profileName && (
        <p class="notice">
          It is the authoritative source of the identity profile {profileName}: the server refuses until that profile
          uses another source or is deleted.
        </p>
      )}
      <ErrorBox error={remove.error} title="Not deleted" />
      <div class="buttons">
        <button type="button" onClick={() => onClose(false)} autoFocus>
          {remove.error ? 'Close' : 'Cancel'}
        </button>
        <button type="button" class="danger" disabled={remove.busy || !!remove.error} onClick={() => void remove.run()}>
          {remove.busy ? 'Deleting…' : 'Delete'}
        </button>
      </div>
    </Dialog>
  );
}
