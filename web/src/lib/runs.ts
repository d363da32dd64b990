import type { TaskStatus } from '../api/types';

/**
 * The processing runs this browser started, per profile (localStorage). The API has no way to
 * list a profile's tasks, so "processing" and "last run failed" are known only for runs started
 * from this console; the rest of a profile's status comes from the profile itself.
 */
const KEY = 'idprofiles.runs';

export interface Run {
  taskId: string;
  dryRun: boolean;
  started: string;
  completed?: string;
  completionStatus?: TaskStatus['completionStatus'];
}

function all(): Record<string, Run> {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? '{}') as Record<string, Run>;
  } catch {
    return {};
  }
}

export const runs = {
  /** The last real (not dry) run of a profile, if this browser started one. */
  of: (profileId: string): Run | undefined => all()[profileId],
  started(profileId: string, taskId: string, dryRun: boolean) {
    if (dryRun) return;
    localStorage.setItem(KEY, JSON.stringify({ ...all(), [profileId]: { taskId, dryRun, started: new Date().toISOString() } }));
  },
  finished(profileId: string, task: TaskStatus) {
    const known = all();
    const run = known[profileId];
    if (!run || run.taskId !== task.id) return;
    known[profileId] = { ...run, completed: task.completed ?? undefined, completionStatus: task.completionStatus };
    localStorage.setItem(KEY, JSON.stringify(known));
  },
};
