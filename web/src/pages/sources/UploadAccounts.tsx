import { useState } from 'preact/hooks';
import { loadAccounts } from '../../api/others';
import type { LoadOutcome, LoadPreview as Preview, Source } from '../../api/types';
import { ErrorBox } from '../../components/ErrorBox';
import { TaskProgress } from '../../components/TaskProgress';
import { useAction } from '../../lib/hooks';
import { useTask } from '../../lib/task';
import { LoadPreview } from './LoadPreview';
import { LoadResult } from './LoadResult';

/** Sending a file: which one, and how far. */
function UploadBar({ file, sent }: { file?: File; sent: number }) {
  return (
    <div class="task">
      <div class="task-head">
        <strong>Uploading {file?.name}</strong>
        <span aria-live="polite">{Math.round(sent * 100)}%</span>
      </div>
      <progress max={100} value={Math.round(sent * 100)} aria-label="Upload progress" />
    </div>
  );
}

/**
 * Upload a CSV of accounts into a source in two steps: a preview (a dry run: what the load would
 * add, update, remove and reject, with examples; nothing written), then the load itself once the
 * administrator confirms — with their explicit leave when it would remove more than the source's
 * deleteThreshold allows.
 */
export function UploadAccounts({
  source,
  onLoaded,
  onClose,
}: {
  source: Source;
  onLoaded: () => void;
  onClose: () => void;
}) {
  const [file, setFile] = useState<File>();
  const [previewId, setPreviewId] = useState<string>();
  const [loadId, setLoadId] = useState<string>();
  const [allow, setAllow] = useState(false);
  const [sent, setSent] = useState(0);
  const previewing = useTask(previewId);
  const loading = useTask(loadId, onLoaded);
  const preview = previewing.task?.completed ? (previewing.task.result as Preview | null) : undefined;
  const result = loading.task?.completed ? (loading.task.result as LoadOutcome | null) : undefined;
  // a file without data rows is refused whatever the override; above the threshold only with leave
  const blocked = !!preview?.refusal && (preview.rows === 0 || !allow);

  const upload = useAction(async (dryRun: boolean) => {
    setSent(0);
    const allowDeletes = !dryRun && allow && preview ? preview.removed : undefined;
    const { task } = await loadAccounts(source.id, file!, setSent, { dryRun, allowDeletes });
    if (dryRun) setPreviewId(task.id);
    else setLoadId(task.id);
  });
  const choose = (chosen?: File) => {
    setFile(chosen);
    setPreviewId(undefined);
    setLoadId(undefined);
    setAllow(false);
  };
  const submitPreview = (e: Event) => {
    e.preventDefault();
    setLoadId(undefined);
    setAllow(false);
    void upload.run(true);
  };
  return (
    <section class="panel stack" aria-labelledby="upload-title">
      <div class="section-head">
        <h2 id="upload-title">Load accounts into {source.name}</h2>
        <button type="button" class="quiet" onClick={onClose}>
          Close
        </button>
      </div>
      <form class="row end" onSubmit={submitPreview}>
        <div class="stack grow">
          <label for="csv-file">
            CSV file (header row first; id column “{source.accountIdColumn}”, name column “{source.accountNameColumn}”)
          </label>
          <input
            id="csv-file"
            name="file"
            type="file"
            accept=".csv,text/csv"
            onChange={(e) => choose(e.currentTarget.files?.[0])}
          />
        </div>
        <button
          type="submit"
          class="primary"
          disabled={!file || upload.busy || (!!previewId && !previewing.task?.completed)}
        >
          Preview
        </button>
      </form>
      <p class="hint">
        A load is a full aggregation: accounts missing from the file are removed from the source — at most{' '}
        {source.deleteThreshold}% of them per load (the source's delete threshold). The preview shows what the load
        would change; nothing is written until you load.
      </p>
      {upload.busy && <UploadBar file={file} sent={sent} />}
      <ErrorBox error={upload.error} title="The file was not loaded" />
      <ErrorBox error={previewing.error ?? loading.error} />
      {/* a finished preview speaks for itself below; its task shows while it runs, or when it failed */}
      {previewing.task && !loadId && !preview && (
        <TaskProgress task={previewing.task} variant="load" label={`Preview of ${file?.name ?? 'the file'}`} />
      )}
      {preview && !loadId && (
        <>
          <h3 class="preview-title">Preview of {file?.name}: nothing has been written</h3>
          <LoadPreview preview={preview} />
          {preview.refusal && preview.rows > 0 && (
            <label class="check-label">
              <input
                type="checkbox"
                name="allowDeletes"
                checked={allow}
                onChange={(e) => setAllow(e.currentTarget.checked)}
              />{' '}
              Allow this load to remove {preview.removed.toLocaleString()} accounts
            </label>
          )}
          <div class="row">
            <button
              type="button"
              class="primary"
              disabled={blocked || upload.busy}
              onClick={() => void upload.run(false)}
            >
              Load {file?.name}
            </button>
          </div>
        </>
      )}
      {loading.task && (
        <TaskProgress task={loading.task} variant="load" label={`Loading ${file?.name ?? 'accounts'}`} />
      )}
      {result && !result.refused && <LoadResult result={result} />}
    </section>
  );
}
