import type { IdentityProfile } from '../api/types';
import { runs } from '../lib/runs';
import { useTask } from '../lib/task';

/**
 * A profile's status: processing (with percent) or last run failed — for runs this browser started
 * (the API lists no tasks per profile) — otherwise refresh required or up to date, from the profile.
 */
export function StatusBadge({ profile, onFinished }: { profile: IdentityProfile; onFinished?: () => void }) {
  const run = runs.of(profile.id);
  const following = run && !run.completed ? run.taskId : undefined;
  const { task } = useTask(following, (t) => {
    runs.finished(profile.id, t);
    onFinished?.();
  });
  if (following && (!task || !task.completed)) {
    return <span class="badge running">Processing {task ? `${task.percentComplete}%` : '…'}</span>;
  }
  const status = task?.completionStatus ?? run?.completionStatus;
  if (status === 'Error' || status === 'TempError' || status === 'Terminated') return <span class="badge failed">Last run failed</span>;
  if (profile.identityRefreshRequired) return <span class="badge warn">Refresh required</span>;
  return <span class="badge ok">Up to date</span>;
}
