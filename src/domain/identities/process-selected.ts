import { Type, type Static } from 'typebox';
import { AppError } from '../../errors.js';
import type { Actor, DomainContext, Repositories } from '../context.js';
import { defineJob } from '../shared/job.js';
import { createTask, taskMessage } from '../tasks/service.js';
import type { ChunkOutcome } from '../tasks/repository.js';
import type { TaskMessage } from '../tasks/schema.js';
import { processChunk, type ChunkSummary } from './chunk.js';
import { lifecycleReport, mapsLifecycle, mergeLifecycleSummaries, readProfileStates } from './lifecycle.js';
import { managerLookupFor } from './manager-lookup.js';

/**
 * `POST /identities/process` (beta, v2024+, `/identities/v1/process`): up to 250 identities,
 * processed as one task by one job. The identities may belong to several profiles; each profile's
 * share is evaluated as a chunk of its own (the profile's mappings, its manager lookup), all in
 * one transaction (250 identities are half of a PGlite processing transaction), which completes
 * the task: a job delivered twice finds the task completed.
 */
/** ISC's documented limit (ProcessIdentitiesRequest.identityIds maxItems). */
export const MAX_SELECTED_IDENTITIES = 250;
export const SELECTED_TASK_TYPE = 'IDENTITY_PROCESS';

const SelectedRun = Type.Object({ taskId: Type.String(), identityIds: Type.Array(Type.String()) });
export type SelectedRun = Static<typeof SelectedRun>;

export const selectedJob = defineJob({
  name: 'identities.process',
  payload: SelectedRun,
  handle: (ctx, run) => runSelectedJob(ctx, run),
});

/** Creates the task and queues its job; answers the task's id (`{type: TASK_RESULT, id}`). */
export async function requestIdentityProcessing(
  ctx: DomainContext,
  identityIds: readonly string[],
  actor: Actor,
): Promise<{ taskId: string }> {
  if (identityIds.length === 0)
    throw new AppError('invalid_identity_selection', 'identityIds: at least one identity id is required.');
  if (identityIds.length > MAX_SELECTED_IDENTITIES) {
    throw new AppError(
      'invalid_identity_selection',
      `identityIds: at most ${MAX_SELECTED_IDENTITIES} identity ids may be processed at once (${identityIds.length} were given).`,
    );
  }
  const ids = [...new Set(identityIds)];
  const task = await createTask(ctx.repos, ctx, {
    type: SELECTED_TASK_TYPE,
    name: 'Process Identities',
    description: `Process ${ids.length} identit${ids.length === 1 ? 'y' : 'ies'}`,
    actor,
  });
  await ctx.jobs.enqueue(selectedJob, { taskId: task.id, identityIds: ids });
  return { taskId: task.id };
}

export async function runSelectedJob(ctx: DomainContext, run: SelectedRun): Promise<void> {
  await ctx.withTransaction(async (repos) => {
    const task = await repos.tasks.lock(run.taskId);
    if (!task || task.completed) return;
    const found = await repos.identities.profilesOf(run.identityIds);
    const byProfile = new Map<string, string[]>();
    const withoutProfile: string[] = [];
    for (const { id, profileId } of found) {
      if (!profileId) withoutProfile.push(id);
      else byProfile.set(profileId, [...(byProfile.get(profileId) ?? []), id]);
    }
    const known = new Set(found.map((f) => f.id));
    const unknown = run.identityIds.filter((id) => !known.has(id));
    const totals = { processed: 0, changed: 0, failed: 0, managersChanged: 0, errors: [] as ChunkOutcome['errors'] };
    const summaries: ChunkSummary[] = [];
    for (const [profileId, ids] of byProfile) {
      const outcome = await processProfileShare(ctx, repos, run.taskId, profileId, ids);
      totals.processed += outcome.processed;
      totals.changed += outcome.changed;
      totals.failed += outcome.failed;
      totals.managersChanged += outcome.summary?.managersChanged ?? 0;
      totals.errors.push(...outcome.errors);
      if (outcome.summary) summaries.push(outcome.summary);
    }
    const messages: TaskMessage[] = [
      taskMessage(
        'INFO',
        `Processed ${totals.processed} of ${run.identityIds.length} identities: ${totals.changed} changed, ${totals.failed} failed.`,
      ),
    ];
    if (unknown.length)
      messages.push(taskMessage('WARN', `${unknown.length} identity id(s) name no identity: ${preview(unknown)}.`));
    const lifecycle = summaries.some((x) => x.lifecycle)
      ? mergeLifecycleSummaries(summaries.map((x) => x.lifecycle))
      : undefined;
    if (lifecycle) messages.push(...lifecycleReport(lifecycle, false));
    if (withoutProfile.length)
      messages.push(
        taskMessage(
          'WARN',
          `${withoutProfile.length} identit(ies) belong to no identity profile and were not processed: ${preview(withoutProfile)}.`,
        ),
      );
    const total = run.identityIds.length;
    await repos.tasks.updateProgress(run.taskId, {
      total,
      processed: totals.processed,
      changed: totals.changed,
      failed: totals.failed,
    });
    await repos.tasks.complete(run.taskId, {
      completed: ctx.now(),
      completionStatus:
        totals.failed > 0 || unknown.length > 0 || withoutProfile.length > 0 || (lifecycle?.problems ?? 0) > 0
          ? 'Warning'
          : 'Success',
      messages,
      result: {
        total,
        ...totals,
        unknownIdentityIds: unknown,
        identityIdsWithoutProfile: withoutProfile,
        ...(lifecycle ? { lifecycleStates: lifecycle } : {}),
      },
    });
  });
  ctx.compiledMappings.forget(run.taskId);
}

async function processProfileShare(
  ctx: DomainContext,
  repos: Repositories,
  taskId: string,
  profileId: string,
  ids: string[],
) {
  const profile = await repos.profiles.findById(profileId);
  if (!profile) return { processed: 0, changed: 0, failed: 0, errors: [], summary: undefined };
  const lookup = managerLookupFor(profile, await repos.sources.findById(profile.authoritativeSource.id));
  const states = mapsLifecycle(profile) ? await readProfileStates(repos, profile.id) : undefined;
  return processChunk(ctx, repos, { taskId }, profile, { ids }, lookup, states);
}

const preview = (ids: string[]) => (ids.length > 10 ? `${ids.slice(0, 10).join(', ')}, …` : ids.join(', '));
