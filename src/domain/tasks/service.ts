import { ERRORS } from '../../errors.js';
import type { Actor, DomainContext, Repositories } from '../context.js';
import type { TaskRecord } from './repository.js';
import type { TaskMessage, TaskResultSimplified, TaskStatus } from './schema.js';

export const taskMessage = (type: TaskMessage['type'], message: string, key = 'idprofiles.task.message'): TaskMessage => ({
  type,
  localizedText: { locale: 'en-US', message },
  key,
  parameters: [],
});

/** Records a new, running task; the caller enqueues the job that completes it. */
export async function createTask(
  repos: Repositories,
  ctx: Pick<DomainContext, 'now' | 'newId'>,
  init: { type: string; name: string; description: string; actor: Actor; target?: TaskRecord['target'] },
): Promise<TaskRecord> {
  const now = ctx.now();
  const task: TaskRecord = {
    id: ctx.newId(),
    type: init.type,
    name: `${init.name} ${now.getTime().toString(16)}`,
    description: init.description,
    launcher: init.actor.name,
    target: init.target ?? null,
    launched: now,
    completed: null,
    completionStatus: null,
    progress: null,
    messages: [],
    result: null,
    modified: now,
  };
  await repos.tasks.insert(task);
  return task;
}

export const toTaskResultSimplified = (t: TaskRecord): TaskResultSimplified => ({
  id: t.id,
  name: t.name,
  description: t.description,
  launcher: t.launcher,
  completed: t.completed?.toISOString() ?? null,
  launched: t.launched.toISOString(),
  completionStatus: t.completionStatus,
});

export function toTaskStatus(t: TaskRecord): TaskStatus {
  const p = t.progress;
  const percent = t.completed ? 100 : p && p.total > 0 ? Math.floor((100 * p.processed) / p.total) : 0;
  return {
    id: t.id,
    type: t.type,
    uniqueName: t.name,
    description: t.description,
    parentName: null,
    launcher: t.launcher,
    target: t.target,
    created: t.launched.toISOString(),
    modified: t.modified.toISOString(),
    launched: t.launched.toISOString(),
    completed: t.completed?.toISOString() ?? null,
    completionStatus: t.completionStatus,
    messages: t.messages,
    returns: [],
    attributes: {},
    progress: t.completed ? 'Completed' : p ? `${p.processed} of ${p.total}` : 'Pending',
    percentComplete: percent,
    taskProgress: p,
    result: t.result,
  };
}

export async function getTaskStatus(ctx: DomainContext, id: string): Promise<TaskStatus> {
  const task = await ctx.repos.tasks.findById(id);
  if (!task) throw ERRORS.notFound('Task', id);
  return toTaskStatus(task);
}
