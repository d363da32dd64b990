import { Type } from 'typebox';
import type { DomainContext, Repositories } from '../context.js';
import { parseCollectionQuery } from '../shared/collection.js';
import { defineJob } from '../shared/job.js';
import { TASK_FILTERS, TASK_SORTERS } from '../tasks/schema.js';
import { createProcessingTask, startProcessing } from './process.js';
import { LIST_FILTERS, LIST_SORTERS, type IdentityProfile } from './schema.js';

/**
 * Scheduled processing (issue 15): ISC processes identities "every day at 8:00 AM and 8:00 PM in
 * the tenant's timezone", so that time-based mappings (`dateCompare` against `now`, `dateMath`
 * from `now`) take effect without anyone calling process-identities. pg-boss fires this job on the
 * configured cron (`ServiceOptions.processingSchedule`, jobs/queue.ts): one process per firing
 * across every node and worker (its cron lock and a one-minute singleton). The job starts a run
 * for each profile that needs one: those whose mappings depend on the clock (`hasTimeBasedAttr`,
 * ISC's "requiresPeriodicRefresh") and those marked `identityRefreshRequired` (its summary, the
 * runs started and the runs still going, is logged). A profile whose run is still going is left to it,
 * decided under the profile's row lock, so a job delivered twice at once starts one run.
 */
export const scheduledJob = defineJob({
  name: 'identity-profiles.scheduled-processing',
  payload: Type.Object({}),
  handle: async (ctx) => {
    const outcome = await runScheduledProcessing(ctx);
    return { started: outcome.started.length, stillRunning: outcome.running.length };
  },
});
export const SCHEDULER = { clientId: 'scheduler', name: 'scheduler' };
const PAGE = 250;

export interface ScheduledOutcome {
  started: Array<{ profileId: string; taskId: string }>;
  /** Profiles that needed processing but had a run going. */
  running: string[];
}

/** Does the profile need the scheduled run? */
export const needsScheduledRun = (p: Pick<IdentityProfile, 'hasTimeBasedAttr' | 'identityRefreshRequired'>) =>
  !!p.hasTimeBasedAttr || !!p.identityRefreshRequired;

/** The scheduled job's work; `ctx.now()` is the clock the runs evaluate `now` with. */
export async function runScheduledProcessing(ctx: DomainContext): Promise<ScheduledOutcome> {
  const outcome: ScheduledOutcome = { started: [], running: [] };
  for (const profile of await allProfiles(ctx.repos)) {
    if (!needsScheduledRun(profile)) continue;
    const taskId = await ctx.withTransaction(async (repos) => {
      const locked = await repos.profiles.findById(profile.id, { forUpdate: true });
      if (!locked || !needsScheduledRun(locked)) return null;
      if (await hasRunGoing(repos, locked.id)) return undefined;
      return createProcessingTask(repos, ctx, locked, SCHEDULER);
    });
    if (taskId === undefined) outcome.running.push(profile.id);
    if (!taskId) continue;
    await startProcessing(ctx, taskId, profile.id);
    outcome.started.push({ profileId: profile.id, taskId });
  }
  return outcome;
}

async function allProfiles(repos: Repositories): Promise<IdentityProfile[]> {
  const all: IdentityProfile[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const query = parseCollectionQuery(
      { limit: PAGE, offset, sorters: 'id' },
      { filters: LIST_FILTERS, sorters: LIST_SORTERS, defaultSort: [] },
    );
    const { items } = await repos.profiles.list(query);
    all.push(...items);
    if (items.length < PAGE) return all;
  }
}

async function hasRunGoing(repos: Repositories, profileId: string): Promise<boolean> {
  const filters = `type eq "IDENTITY_PROFILE_PROCESS" and target.id eq "${profileId.replace(/["\\]/g, '')}" and completionStatus isnull`;
  const query = parseCollectionQuery(
    { filters, limit: 1 },
    { filters: TASK_FILTERS, sorters: TASK_SORTERS, defaultSort: [] },
  );
  return (await repos.tasks.list(query)).items.length > 0;
}
