import { ERRORS } from '../../errors.js';
import type { Actor, DomainContext, Repositories } from '../context.js';
import type { TaskRecord } from './repository.js';
import { parseCollectionQuery, type CollectionParams } from '../shared/collection.js';
import {
  TASK_FILTERS,
  TASK_SORTERS,
  type PerServiceTaskStatus,
  type TaskMessage,
  type TaskResultSimplified,
  type TaskStatus,
} from './schema.js';

export const taskMessage = (
  type: TaskMessage['type'],
  message: string,
  key = 'idprofiles.task.message',
): TaskMessage => ({
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
  launched: t.launched.toISOString(),
  ...(t.completed ? { completed: t.completed.toISOString() } : {}),
  ...(t.completionStatus ? { completionStatus: t.completionStatus } : {}),
});

export function toTaskStatus(t: TaskRecord, now = new Date()): TaskStatus {
  const p = t.progress;
  const percent = t.completed ? 100 : p && p.total > 0 ? Math.min(99, Math.floor((100 * p.processed) / p.total)) : 0;
  const elapsed = (now.getTime() - t.launched.getTime()) / 1000;
  const eta =
    !t.completed && p && p.processed > 0 && p.total > p.processed
      ? Math.ceil((elapsed * (p.total - p.processed)) / p.processed)
      : null;
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
    estimatedSecondsLeft: t.completed ? 0 : eta,
    result: t.result,
  };
}

const PER_SERVICE_TARGETS: Record<string, 'APPLICATION' | 'IDENTITY'> = { SOURCE: 'APPLICATION', IDENTITY: 'IDENTITY' };

/** A task status as task-status.v1 declares it (see `PerServiceTaskStatus`). */
export function toPerServiceTaskStatus(s: TaskStatus): PerServiceTaskStatus {
  return {
    ...s,
    type: 'QUARTZ',
    completionStatus:
      s.completionStatus === null
        ? null
        : s.completionStatus === 'TempError'
          ? 'TEMPERROR'
          : (s.completionStatus.toUpperCase() as PerServiceTaskStatus['completionStatus']),
    target: s.target && { type: PER_SERVICE_TARGETS[s.target.type] ?? null, id: s.target.id, name: s.target.name },
    // what ISC's aggregation tasks carry (sources.v1 LoadAccountsTask): the source's id
    attributes: s.target?.type === 'SOURCE' ? { ...s.attributes, appId: s.target.id } : s.attributes,
  };
}

/** `GET /<version>/task-status`: tasks, newest first by default, with live progress for running ones. */
export async function listTaskStatus(ctx: DomainContext, params: CollectionParams) {
  const query = parseCollectionQuery(params, {
    filters: TASK_FILTERS,
    sorters: TASK_SORTERS,
    defaultSort: [{ field: 'launched', direction: 'desc' }],
  });
  const { items, total } = await ctx.repos.tasks.list(query);
  const now = ctx.now();
  return { items: await Promise.all(items.map(async (t) => toTaskStatus(await withLiveProgress(ctx, t), now))), total };
}

/** A running chunked task's progress is the sum of its finished chunks. */
async function withLiveProgress(ctx: Pick<DomainContext, 'repos'>, task: TaskRecord): Promise<TaskRecord> {
  if (task.completed || !task.progress) return task;
  // summed by the database: a run of 100,000 identities on PGlite has 400 chunks, and clients poll
  const totals = await ctx.repos.tasks.chunkProgress(task.id);
  if (totals.chunks === 0) return task;
  return {
    ...task,
    progress: {
      total: task.progress.total,
      processed: totals.processed,
      changed: totals.changed,
      failed: totals.failed,
    },
  };
}

/** The task as clients poll it; a running chunked task shows the sums of its finished chunks, live. */
export async function getTaskStatus(ctx: DomainContext, id: string): Promise<TaskStatus> {
  const task = await ctx.repos.tasks.findById(id);
  if (!task) throw ERRORS.notFound('task_not_found', id);
  return toTaskStatus(await withLiveProgress(ctx, task), ctx.now());
}

/** Ends a task as failed (a job gave up on it), unless it already ended. */
export async function failTask(
  ctx: Pick<DomainContext, 'repos' | 'now'>,
  taskId: unknown,
  message: string,
): Promise<void> {
  if (typeof taskId !== 'string') return;
  const task = await ctx.repos.tasks.findById(taskId);
  if (!task || task.completed) return;
  await ctx.repos.tasks.complete(taskId, {
    completed: ctx.now(),
    completionStatus: 'Error',
    messages: [...task.messages, taskMessage('ERROR', message)],
    result: task.result,
  });
}
