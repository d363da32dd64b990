import { useEffect, useRef, useState } from 'preact/hooks';
import { listProcessTasks } from '../api/others';
import type { TaskStatus } from '../api/types';
import { useSignIns } from './hooks';

/** What a profile's processing runs say about it (dry runs left out: they change nothing). */
export interface RunState {
  /** A real run still going. */
  running?: TaskStatus;
  /** The newest finished real run failed. */
  failed?: TaskStatus;
  /** When the newest successful real run finished. */
  lastProcessed?: string;
}

const isDryRun = (t: TaskStatus) =>
  t.uniqueName.includes('(dry run)') || (t.result as { dryRun?: boolean } | null)?.dryRun === true;
const FAILED = ['Error', 'TempError', 'Terminated'];

/** Tasks newest first → per profile id: running, failed, last processed. */
export function summarizeRuns(tasks: TaskStatus[]): Map<string, RunState> {
  const out = new Map<string, RunState>();
  for (const t of tasks) {
    const id = t.target?.id;
    if (!id || isDryRun(t)) continue;
    const s = out.get(id) ?? {};
    if (!t.completed) s.running ??= t;
    else {
      const failed = FAILED.includes(t.completionStatus ?? '');
      if (s.failed === undefined && s.lastProcessed === undefined && failed) s.failed = t;
      if (!failed) s.lastProcessed ??= t.completed;
    }
    out.set(id, s);
  }
  return out;
}

/**
 * The run state of these profiles, from the server's task list (one request for a whole page);
 * polled every 1.5 s while any of them is processing. `onSettled` fires when the last run ends.
 */
export function useProfileRuns(ids: string[], refresh: unknown = 0, onSettled?: () => void): Map<string, RunState> {
  const [runs, setRuns] = useState<Map<string, RunState>>(new Map());
  const settled = useRef(onSettled);
  settled.current = onSettled;
  const key = ids.join(',');
  const signIns = useSignIns(); // a poll refused when the session ended starts again after signing in
  useEffect(() => {
    if (!key) return;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let wasRunning = false;
    const poll = async () => {
      try {
        const state = summarizeRuns(await listProcessTasks(key.split(','), controller.signal));
        if (controller.signal.aborted) return;
        setRuns(state);
        const running = [...state.values()].some((s) => s.running);
        if (wasRunning && !running) settled.current?.();
        wasRunning = running;
        if (running) timer = setTimeout(poll, 1500);
      } catch {
        // Statuses are a nicety: the list still works without them.
      }
    };
    void poll();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [key, refresh, signIns]);
  return runs;
}
