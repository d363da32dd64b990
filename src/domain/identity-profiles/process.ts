import type { Actor, DomainContext } from '../context.js';
import { createTask } from '../tasks/service.js';
import { getProfile } from './service.js';

export const PROCESS_JOB = 'identity-profiles.process';
export interface ProcessJobPayload {
  taskId: string;
  profileId: string;
  [key: string]: unknown;
}

/** `process-identities`: 202 `{}` plus the task (decision 8); the work runs as a job. */
export async function requestProcessing(ctx: DomainContext, id: string, actor: Actor): Promise<{ taskId: string }> {
  const profile = await getProfile(ctx, id);
  const task = await createTask(ctx.repos, ctx, {
    type: 'IDENTITY_PROFILE_PROCESS',
    name: 'Process Identities',
    description: `Process the identities of identity profile '${profile.name}'`,
    actor,
    target: { type: 'IDENTITY_PROFILE', id: profile.id, name: profile.name },
  });
  await ctx.jobs.enqueue(PROCESS_JOB, { taskId: task.id, profileId: id } satisfies ProcessJobPayload);
  return { taskId: task.id };
}

/**
 * The job. Identities (and their evaluation) arrive with the identities issue; with none stored,
 * processing a profile means its count is 0 and it no longer needs a refresh.
 */
export async function runProcessJob(ctx: DomainContext, payload: ProcessJobPayload): Promise<void> {
  await ctx.withTransaction(async (repos) => {
    const task = await repos.tasks.findById(payload.taskId);
    if (!task || task.completed) return;
    const profile = await repos.profiles.findById(payload.profileId, { forUpdate: true });
    if (profile) {
      await repos.profiles.update({ ...profile, identityCount: 0, identityRefreshRequired: false });
    }
    await repos.tasks.complete(task.id, {
      completed: ctx.now(),
      completionStatus: profile ? 'Success' : 'Error',
      messages: [],
      result: { total: 0, processed: 0, changed: 0, failed: 0 },
    });
  });
}
