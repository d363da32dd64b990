import type { TaskStatus } from '../api/types';
import { formatSeconds } from '../lib/format';

const OUTCOME: Record<string, string> = {
  Success: 'Completed',
  Warning: 'Completed with warnings',
  Error: 'Failed',
  Terminated: 'Stopped',
  TempError: 'Failed (temporary error)',
};

/**
 * A finished run's counts: its `result` holds them (`taskProgress` of a completed process-identities
 * task keeps the planning numbers, processed 0).
 */
function finalCounts(task: TaskStatus): TaskStatus['taskProgress'] {
  const r = task.result as Record<string, unknown> | null;
  if (!task.completed || !r || typeof r.processed !== 'number' || typeof r.total !== 'number') return null;
  return { total: r.total, processed: r.processed, changed: Number(r.changed ?? 0), failed: Number(r.failed ?? 0) };
}

/** A running or finished task: percent bar, counters, time left, then the outcome and messages. */
export function TaskProgress({ task, label, variant }: { task: TaskStatus; label: string; variant?: 'load' }) {
  const p = finalCounts(task) ?? task.taskProgress;
  const of = p && p.total >= p.processed && p.total > 0 ? ` of ${p.total.toLocaleString()}` : '';
  const state = task.completed ? OUTCOME[task.completionStatus ?? 'Success'] : `Running: ${task.percentComplete}%`;
  return (
    <div class="task" data-status={task.completionStatus ?? 'Running'}>
      <div class="task-head">
        <strong>{label}</strong>
        <span aria-live="polite" class="task-state">
          {state}
        </span>
      </div>
      <progress max={100} value={task.percentComplete} aria-label={`${label} progress`}>
        {task.percentComplete}%
      </progress>
      <p class="counters">
        {p && variant === 'load' && (
          <>
            <span>
              Rows read <b>{p.processed.toLocaleString()}</b>
            </span>
            <span>
              Rejected <b>{p.failed.toLocaleString()}</b>
            </span>
          </>
        )}
        {p && variant !== 'load' && (
          <>
            <span>
              Processed <b>{p.processed.toLocaleString()}</b>
              {of}
            </span>
            <span>
              Changed <b>{p.changed.toLocaleString()}</b>
            </span>
            <span>
              Failed <b>{p.failed.toLocaleString()}</b>
            </span>
          </>
        )}
        {!p && <span>{task.progress ?? 'Pending'}</span>}
        {!task.completed && variant !== 'load' && <span>{formatSeconds(task.estimatedSecondsLeft)}</span>}
      </p>
      {task.messages.length > 0 && (
        <ul class="messages">
          {task.messages.map((m, i) => (
            <li key={i} class={m.type.toLowerCase()}>
              {m.localizedText.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
