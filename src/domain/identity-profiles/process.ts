import type { Actor, DomainContext, Repositories } from '../context.js';
import { planJob } from '../identities/processing.js';
import { createTask } from '../tasks/service.js';
import type { IdentityProfile } from './schema.js';
import { getProfile } from './service.js';

/**
 * `process-identities`: 202 `{}` plus the task (decision 8); the work runs as jobs
 * (`identities/processing.ts`). With `dryRun` the run computes and reports, writing nothing.
 */
export async function requestProcessing(
  ctx: DomainContext,
  id: string,
  actor: Actor,
  options: { dryRun?: boolean } = {},
): Promise<{ taskId: string }> {
  const taskId = await createProcessingTask(ctx.repos, ctx, await getProfile(ctx, id), actor, options);
  await startProcessing(ctx, taskId, id, options);
  return { taskId };
}

/** The task of a processing run, not started yet (e.g. created in another transaction's commit). */
export async function createProcessingTask(
  repos: Repositories,
  ctx: Pick<DomainContext, 'now' | 'newId'>,
  profile: Pick<IdentityProfile, 'id' | 'name'>,
  actor: Actor,
  options: { dryRun?: boolean } = {},
): Promise<string> {
  const task = await createTask(repos, ctx, {
    type: 'IDENTITY_PROFILE_PROCESS',
    name: options.dryRun ? 'Process Identities (dry run)' : 'Process Identities',
    description: `Process the identities of identity profile '${profile.name}'`,
    actor,
    target: { type: 'IDENTITY_PROFILE', id: profile.id, name: profile.name },
  });
  return task.id;
}

/** Starts the run of a task made by `createProcessingTask` (queuing it twice is harmless: its plan is idempotent). */
export async function startProcessing(
  ctx: Pick<DomainContext, 'jobs'>,
  taskId: string,
  profileId: string,
  options: { dryRun?: boolean } = {},
): Promise<void> {
  await ctx.jobs.enqueue(planJob, { taskId, profileId, dryRun: !!options.dryRun });
}
