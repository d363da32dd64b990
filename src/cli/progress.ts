/** Follows a task until it completes, drawing a progress bar on a terminal (plain lines elsewhere). */
import type { Remote } from './remote.js';

export interface TaskView {
  id: string;
  completed: string | null;
  completionStatus: string | null;
  percentComplete: number;
  estimatedSecondsLeft: number | null;
  taskProgress: { total: number; processed: number; changed: number; failed: number } | null;
  messages: Array<{ type: string; localizedText: { message: string } }>;
  result: Record<string, any> | null;
}

const WIDTH = 30;

export function renderBar(t: TaskView, label: string): string {
  const p = t.taskProgress;
  const filled = Math.round((WIDTH * t.percentComplete) / 100);
  const counts = p
    ? ` ${p.processed}/${p.total || '?'}${p.changed ? `, ${p.changed} changed` : ''}${p.failed ? `, ${p.failed} failed` : ''}`
    : '';
  const eta = t.estimatedSecondsLeft ? `, ~${t.estimatedSecondsLeft}s left` : '';
  return `${label} [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${String(t.percentComplete).padStart(3)}%${counts}${eta}`;
}

export async function followTask(
  remote: Remote,
  taskId: string,
  label: string,
  out: NodeJS.WriteStream,
  intervalMs = 500,
): Promise<TaskView> {
  const tty = out.isTTY === true;
  let lastLine = '';
  for (;;) {
    const { body: task } = await remote.call<TaskView>('GET', `/v3/task-status/${taskId}`);
    const line = renderBar(task, label);
    if (tty) out.write(`\r${line}\x1b[K`);
    else if (line !== lastLine) out.write(`${line}\n`);
    lastLine = line;
    if (task.completed) {
      if (tty) out.write('\n');
      return task;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
