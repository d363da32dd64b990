import type { TaskStatus } from '../api/types';
import { formatSeconds } from '../lib/format';

const OUTCOME: Record<string, string> = {
  Success: 'Completed',
  Warning: 'Completed with warnings',
  Error: 'Failed',
  Terminated: 'Stopped',
  TempError: 'Failed (temporary error)',
};

/** A running or finished task: percent bar, counters, time left, then the outcome and messages. */
export function TaskProgress({ task, label }: { task: TaskStatus; label: string }) {
  const p = task.taskProgress;
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
        {p ? (
          <>
            <span>
              Processed <b>{p.processed.toLocaleString()}</b> of {p.total.toLocaleString()}
            </span>
            <span>
              Changed <b>{p.changed.toLocaleString()}</b>
            </span>
            <span>
              Failed <b>{p.failed.toLocaleString()}</b>
            </span>
          </>
        ) : (
          <span>{task.progress ?? 'Pending'}</span>
        )}
        {!task.completed && <span>{formatSeconds(task.estimatedSecondsLeft)}</span>}
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
