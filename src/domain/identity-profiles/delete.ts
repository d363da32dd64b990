import { Type, type Static } from 'typebox';
import { AppError, ERRORS } from '../../errors.js';
import type { Actor, DomainContext, Repositories } from '../context.js';
import { defineJob } from '../shared/job.js';
import type { TaskMessage, TaskResultSimplified } from '../tasks/schema.js';
import { createTask, taskMessage, toTaskResultSimplified } from '../tasks/service.js';

const DeleteJobPayload = Type.Object({ taskId: Type.String(), ids: Type.Array(Type.String()) });
export type DeleteJobPayload = Static<typeof DeleteJobPayload>;

/**
 * DELETE and bulk delete answer 202 with a task; the deletion runs as a job.
 * Single delete refuses up front (400) a profile that is unknown (404) or still has identities
 * (decision 1); bulk delete leaves those to the job, which skips them with a warning each.
 */
export async function requestDelete(
  ctx: DomainContext,
  ids: string[],
  actor: Actor,
  bulk: boolean,
): Promise<TaskResultSimplified> {
  if (!bulk) {
    const profile = await ctx.repos.profiles.findById(ids[0]);
    if (!profile) throw ERRORS.notFound('profile_not_found', ids[0]);
    if (profile.identityCount > 0)
      throw new AppError('profile_has_identities', stillHasIdentities(profile.name, profile.identityCount));
  }
  const unique = [...new Set(ids)];
  // Enqueued after the task row is committed: the job queue has its own connection, which a
  // transaction held here would block on the single-connection embedded database.
  const task = await createTask(ctx.repos, ctx, {
    type: 'IDENTITY_PROFILE_DELETE',
    name: 'Background Object Terminator',
    description: `Delete ${unique.length} identity profile(s)`,
    actor,
  });
  await ctx.jobs.enqueue(deleteJob, { taskId: task.id, ids: unique });
  return toTaskResultSimplified(task);
}

const stillHasIdentities = (name: string, n: number) =>
  `Identity profile '${name}' still has ${n} identit${n === 1 ? 'y' : 'ies'}; move or remove them before deleting it.`;

/** Deletes the profiles a request named (`runDeleteJob`). */
export const deleteJob = defineJob({
  name: 'identity-profiles.delete',
  payload: DeleteJobPayload,
  handle: (ctx, payload) => runDeleteJob(ctx, payload),
});

/** The job: delete what can be deleted in one transaction, then complete the task. Re-running is harmless. */
export async function runDeleteJob(ctx: DomainContext, payload: DeleteJobPayload, actor = 'system'): Promise<void> {
  await ctx.withTransaction(async (repos) => {
    const task = await repos.tasks.findById(payload.taskId);
    if (!task || task.completed) return;
    const { deletable, messages } = await sortDeletable(repos, payload.ids);
    await repos.profiles.deleteByIds(deletable);
    for (const id of deletable)
      await repos.audit.record({ entityType: 'IDENTITY_PROFILE', entityId: id, action: 'delete', actor });
    messages.push(taskMessage('INFO', `Deleted ${deletable.length} of ${payload.ids.length} identity profile(s).`));
    await repos.tasks.complete(task.id, {
      completed: ctx.now(),
      completionStatus: messages.some((m) => m.type !== 'INFO') ? 'Warning' : 'Success',
      messages,
      result: { deleted: deletable, skipped: payload.ids.filter((id) => !deletable.includes(id)) },
    });
  });
}

async function sortDeletable(repos: Repositories, ids: string[]) {
  const found = new Map((await repos.profiles.findByIds(ids)).map((p) => [p.id, p]));
  const deletable: string[] = [];
  const messages: TaskMessage[] = [];
  for (const id of ids) {
    const p = found.get(id);
    if (!p)
      messages.push(
        taskMessage('WARN', `Identity profile '${id}' was not found; skipped.`, 'idprofiles.delete.notFound'),
      );
    else if (p.identityCount > 0)
      messages.push(
        taskMessage(
          'WARN',
          `${stillHasIdentities(p.name, p.identityCount)} Skipped '${id}'.`,
          'idprofiles.delete.hasIdentities',
        ),
      );
    else deletable.push(id);
  }
  return { deletable, messages };
}
