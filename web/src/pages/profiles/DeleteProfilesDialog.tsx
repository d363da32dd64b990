import { useState } from 'preact/hooks';
import { bulkDeleteProfiles, deleteProfile } from '../../api/profiles';
import type { IdentityProfile } from '../../api/types';
import { Dialog } from '../../components/Dialog';
import { ErrorBox } from '../../components/ErrorBox';
import { TaskProgress } from '../../components/TaskProgress';
import { plural } from '../../lib/format';
import { useAction } from '../../lib/hooks';
import { useTask } from '../../lib/task';

/**
 * Confirms, then deletes one profile (DELETE: a refusal, e.g. identities still attached, is the
 * server's 400) or several (bulk delete: refused ones are skipped and the task says why).
 */
export function DeleteProfilesDialog({
  ids,
  profiles,
  onClose,
}: {
  ids: string[];
  profiles: IdentityProfile[];
  onClose: (changed: boolean) => void;
}) {
  const [taskId, setTaskId] = useState<string>();
  const remove = useAction(async () => {
    const ref = ids.length === 1 ? await deleteProfile(ids[0]) : await bulkDeleteProfiles(ids);
    setTaskId(ref.id);
  });
  const { task, error } = useTask(taskId);
  const names = profiles.map((p) => p.name);
  const done = !!task?.completed;
  return (
    <Dialog
      title={ids.length === 1 ? 'Delete identity profile' : `Delete ${ids.length} identity profiles`}
      onClose={() => onClose(!!taskId)}
    >
      <div class="stack">
        {!taskId && (
          <>
            <p>
              Delete{' '}
              {names.length === ids.length
                ? names.map((n, i) => (
                    <span key={n}>
                      {i ? ', ' : ''}
                      <strong>{n}</strong>
                    </span>
                  ))
                : plural(ids.length, 'profile')}
              ? This cannot be undone.
            </p>
            <p class="hint">A profile that still has identities is not deleted; the server says so.</p>
          </>
        )}
        <ErrorBox error={remove.error} title="Not deleted" />
        <ErrorBox error={error} />
        {task && <TaskProgress task={task} label="Deleting" />}
        <div class="buttons">
          {done || remove.error ? (
            <button type="button" class="primary" onClick={() => onClose(true)}>
              Close
            </button>
          ) : (
            <>
              <button type="button" onClick={() => onClose(false)} disabled={!!taskId}>
                Cancel
              </button>
              <button type="button" class="danger" disabled={remove.busy || !!taskId} onClick={() => void remove.run()}>
                {remove.busy || taskId ? 'Deleting…' : 'Delete'}
              </button>
            </>
          )}
        </div>
      </div>
    </Dialog>
  );
}
