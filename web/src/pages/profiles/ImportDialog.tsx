import { useState } from 'preact/hooks';
import { importProfiles } from '../../api/profiles';
import type { ImportItem, ObjectImportResult } from '../../api/types';
import { Dialog } from '../../components/Dialog';
import { ErrorBox } from '../../components/ErrorBox';
import { useAction } from '../../lib/hooks';
import { ImportReport } from './ImportReport';

/** Reads an export file, dry-runs the import (what would be created or updated), then applies it. */
export function ImportDialog({ onClose }: { onClose: (changed: boolean) => void }) {
  const [items, setItems] = useState<ImportItem[]>();
  const [fileError, setFileError] = useState<string>();
  const [plan, setPlan] = useState<ObjectImportResult>();
  const [applied, setApplied] = useState<ObjectImportResult>();
  const dryRun = useAction(async (list: ImportItem[]) => setPlan(await importProfiles(list, true)));
  const apply = useAction(async () => items && setApplied(await importProfiles(items, false)));

  const read = async (file: File | undefined) => {
    setItems(undefined);
    setPlan(undefined);
    setFileError(undefined);
    if (!file) return;
    try {
      const parsed: unknown = JSON.parse(await file.text());
      if (!Array.isArray(parsed))
        throw new Error('The file should hold a list of exported profiles (as Export writes them).');
      setItems(parsed as ImportItem[]);
      void dryRun.run(parsed as ImportItem[]);
    } catch (e) {
      setFileError(`${file.name} cannot be imported: ${(e as Error).message}`);
    }
  };

  return (
    <Dialog title="Import identity profiles" onClose={() => onClose(!!applied)} wide>
      <div class="stack">
        {!applied && (
          <>
            <label for="import-file">Export file (JSON)</label>
            <input
              id="import-file"
              name="file"
              type="file"
              accept="application/json,.json"
              onChange={(e) => void read(e.currentTarget.files?.[0])}
            />
            <p class="hint">
              Profiles are matched by name: existing ones are updated, others created. Nothing is written until you
              apply.
            </p>
          </>
        )}
        {fileError && <ErrorBox error={new Error(fileError)} />}
        <ErrorBox error={dryRun.error} title="The file was refused" />
        <ErrorBox error={apply.error} title="The import failed" />
        {dryRun.busy && <p role="status">Checking the file…</p>}
        {plan && !applied && <ImportReport result={plan} dryRun />}
        {applied && <ImportReport result={applied} />}
        <div class="buttons">
          <button type="button" onClick={() => onClose(!!applied)}>
            {applied ? 'Close' : 'Cancel'}
          </button>
          {!applied && (
            <button
              type="button"
              class="primary"
              disabled={!plan || plan.importedObjects.length === 0 || apply.busy}
              onClick={() => void apply.run()}
            >
              {apply.busy
                ? 'Importing…'
                : `Import ${plan?.importedObjects.length ?? ''} profile${plan?.importedObjects.length === 1 ? '' : 's'}`}
            </button>
          )}
        </div>
      </div>
    </Dialog>
  );
}
