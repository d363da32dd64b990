import type { Actor, DomainContext } from '../context.js';
import { PLAN_JOB, type ProcessRun } from '../identities/processing.js';
import { createTask } from '../tasks/service.js';
import { getProfile } from './service.js';

/**
 * `process-identities`: 202 `{}` plus the task (decision 8); the work runs as jobs
 * (`identities/processing.ts`). With `dryRun` the run computes and reports, writing nothing.
 */
export async function requestProcessing(ctx: DomainContext, id: string, actor: Actor, options: { dryRun?: boolean } = {}): Promise<{ taskId: string }> {
  const profile = await getProfile(ctx, id);
  const task = await createTask(ctx.repos, ctx, {
    type: 'IDENTITY_PROFILE_PROCESS',
    name: options.dryRun ? 'Process Identities (dry run)' : 'Process Identities',
    description: `Process the identities of identity profile '${profile.name}'`,
    actor,
    target: { type: 'IDENTITY_PROFILE', id: profile.id, name: profile.name },
  });
  await ctx.jobs.enqueue(PLAN_JOB, { taskId: task.id, profileId: id, dryRun: !!options.dryRun } satisfies ProcessRun);
  return { taskId: task.id };
}
