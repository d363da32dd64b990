import { useState } from 'preact/hooks';
import { loadAccounts } from '../../api/others';
import type { LoadSummary, Source } from '../../api/types';
import { ErrorBox } from '../../components/ErrorBox';
import { TaskProgress } from '../../components/TaskProgress';
import { useAction } from '../../lib/hooks';
import { useTask } from '../../lib/task';

/** Upload a CSV of accounts into a source: the load runs as a task; then what it added, updated, removed, rejected. */
export function UploadAccounts({ source, onLoaded, onClose }: { source: Source; onLoaded: () => void; onClose: () => void }) {
  const [file, setFile] = useState<File>();
  const [taskId, setTaskId] = useState<string>();
  const [sent, setSent] = useState(0);
  const upload = useAction(async () => setTaskId((await loadAccounts(source.id, file!, setSent)).task.id));
  const { task, error } = useTask(taskId, onLoaded);
  const result = task?.completed ? (task.result as (LoadSummary & { identitiesCreated?: number }) | null) : undefined;
  const submit = (e: Event) => {
    e.preventDefault();
    setTaskId(undefined);
    setSent(0);
    void upload.run();
  };
  return (
    <section class="panel stack" aria-labelledby="upload-title">
      <div class="section-head">
        <h2 id="upload-title">Load accounts into {source.name}</h2>
        <button type="button" class="quiet" onClick={onClose}>
          Close
        </button>
      </div>
      <form class="row end" onSubmit={submit}>
        <div class="stack grow">
          <label for="csv-file">CSV file (header row first; id column “{source.accountIdColumn}”, name column “{source.accountNameColumn}”)</label>
          <input id="csv-file" name="file" type="file" accept=".csv,text/csv" onChange={(e) => setFile(e.currentTarget.files?.[0])} />
        </div>
        <button type="submit" class="primary" disabled={!file || upload.busy || (!!taskId && !task?.completed)}>
          {upload.busy ? 'Uploading…' : 'Upload'}
        </button>
      </form>
      <p class="hint">A load is a full aggregation: accounts missing from the file are removed from the source.</p>
      {upload.busy && (
        <div class="task">
          <div class="task-head">
            <strong>Uploading {file?.name}</strong>
            <span aria-live="polite">{Math.round(sent * 100)}%</span>
          </div>
          <progress max={100} value={Math.round(sent * 100)} aria-label="Upload progress" />
        </div>
      )}
      <ErrorBox error={upload.error} title="The file was not loaded" />
      <ErrorBox error={error} />
      {task && <TaskProgress task={task} variant="load" label={`Loading ${file?.name ?? 'accounts'}`} />}
      {result && <LoadResult result={result} />}
    </section>
  );
}

function LoadResult({ result }: { result: LoadSummary & { identitiesCreated?: number } }) {
  const facts: Array<[string, number | undefined]> = [
    ['Rows', result.rows], ['Added', result.added], ['Updated', result.updated], ['Unchanged', result.unchanged],
    ['Removed', result.removed], ['Rejected', result.rejected], ['New identities', result.identitiesCreated],
  ];
  return (
    <div class="load-result">
      <dl class="facts-grid">
        {facts.filter(([, v]) => v !== undefined).map(([k, v]) => (
          <div key={k} class={k === 'Rejected' && v ? 'bad' : undefined}>
            <dt>{k}</dt>
            <dd>{v!.toLocaleString()}</dd>
          </div>
        ))}
      </dl>
      {result.rejections.length > 0 && (
        <table class="rejections">
          <caption>Rejected rows</caption>
          <thead>
            <tr>
              <th scope="col">Line</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {result.rejections.map((r) => (
              <tr key={r.line}>
                <td>{r.line}</td>
                <td>{r.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
