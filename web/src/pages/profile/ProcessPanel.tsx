import { useState } from 'preact/hooks';
import { listProcessTasks } from '../../api/others';
import { processIdentities } from '../../api/profiles';
import type { AttributeChangeSummary, IdentityProfile, TaskStatus } from '../../api/types';
import { ErrorBox } from '../../components/ErrorBox';
import { TaskProgress } from '../../components/TaskProgress';
import { formatDate } from '../../lib/format';
import { useAction, useLoad } from '../../lib/hooks';
import { useTask } from '../../lib/task';
import { DryRunResult } from './DryRunResult';

interface RunResult {
  total?: number;
  attributeChanges?: AttributeChangeSummary[];
  errors?: Array<{ identityId: string; name: string; attribute?: string; message: string }>;
}

interface Props {
  profile: IdentityProfile;
  unsaved: boolean;
  onStarted: () => void;
  onFinished: () => void;
}

/** Process identities (or a dry run): live progress while it runs, then what changed or would change. */
export function ProcessPanel({ profile, unsaved, onStarted, onFinished }: Props) {
  const [run, setRun] = useState<{ taskId: string; dryRun: boolean }>();
  const start = useAction(async (dryRun: boolean) => {
    const taskId = await processIdentities(profile.id, dryRun);
    setRun({ taskId, dryRun });
    onStarted();
  });
  const { task, error } = useTask(run?.taskId, (_t: TaskStatus) => {
    if (!run?.dryRun) onFinished();
  });
  const running = !!run && !task?.completed;
  // the profile's last runs, read again when one ends
  const history = useLoad((signal) => listProcessTasks([profile.id], signal), [profile.id, task?.completed ?? '']);
  const result = task?.completed ? (task.result as RunResult | null) : undefined;

  return (
    <section class="panel stack" aria-labelledby="process-title">
      <h2 id="process-title">Process identities</h2>
      <p class="hint">
        Recomputes the attributes of this profile's identities from the saved mappings and correlates managers.
        {profile.identityRefreshRequired &&
          ' The mappings or source changed since the last run: a refresh is required.'}
      </p>
      {unsaved && <p class="notice">You have unsaved mapping changes; processing uses the saved mappings.</p>}
      <div class="buttons start">
        <button type="button" disabled={running || start.busy} onClick={() => void start.run(true)}>
          Dry run
        </button>
        <button type="button" class="primary" disabled={running || start.busy} onClick={() => void start.run(false)}>
          Process identities
        </button>
      </div>
      <ErrorBox error={start.error} title="Processing did not start" />
      <ErrorBox error={error} />
      {task && <TaskProgress task={task} label={run?.dryRun ? 'Dry run' : 'Processing'} />}
      {result && run?.dryRun && <DryRunResult changes={result.attributeChanges ?? []} total={result.total ?? 0} />}
      {!task && <RecentRuns tasks={history.data?.slice(0, 5)} />}
      {!!result?.errors?.length && (
        <details class="failures">
          <summary>Identities that failed ({result.errors.length})</summary>
          <ul class="messages">
            {result.errors.map((e) => (
              <li key={`${e.identityId}-${e.attribute ?? ''}`} class="error">
                <b>{e.name}</b>
                {e.attribute && ` (${e.attribute})`}: {e.message}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

/** The profile's last runs (processing and dry runs): when, how they ended, the counts. */
function RecentRuns({ tasks }: { tasks?: TaskStatus[] }) {
  if (!tasks) return null;
  if (!tasks.length) return <p class="muted small">No runs yet.</p>;
  return (
    <table class="recent-runs">
      <caption>Recent runs</caption>
      <thead>
        <tr>
          <th scope="col">Started</th>
          <th scope="col">Run</th>
          <th scope="col">Outcome</th>
        </tr>
      </thead>
      <tbody>
        {tasks.map((t) => {
          const r = (t.result ?? {}) as {
            processed?: number;
            total?: number;
            changed?: number;
            failed?: number;
            dryRun?: boolean;
          };
          const status = t.completed ? (t.completionStatus ?? 'Done') : `Running ${t.percentComplete}%`;
          return (
            <tr key={t.id}>
              <td>{formatDate(t.launched)}</td>
              <td>{r.dryRun ? 'Dry run' : 'Process'}</td>
              <td>
                <span
                  class={`badge ${!t.completed ? 'running' : t.completionStatus === 'Success' ? 'ok' : t.completionStatus === 'Warning' ? 'warn' : 'failed'}`}
                >
                  {status}
                </span>
                {t.completed && r.total !== undefined && (
                  <span class="muted small">
                    {' '}
                    {(r.processed ?? 0).toLocaleString()} of {r.total.toLocaleString()},{' '}
                    {(r.changed ?? 0).toLocaleString()} changed{r.failed ? `, ${r.failed.toLocaleString()} failed` : ''}
                  </span>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
