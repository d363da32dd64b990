import { Type, type Static } from 'typebox';
import type { DomainContext, Repositories } from '../context.js';
import { defineJob } from '../shared/job.js';
import { taskMessage } from '../tasks/service.js';
import { processChunk, type ChunkSummary } from './chunk.js';
import { mergeDryRunSummaries } from './dry-run.js';
import type { IdentityProfile } from '../identity-profiles/schema.js';
import { managerLookupFor } from './manager-lookup.js';
import {
  lifecycleReport,
  mapsLifecycle,
  mergeLifecycleSummaries,
  readProfileStates,
  type ProfileStates,
} from './lifecycle.js';
import type { ManagerLookup } from './repository.js';

/**
 * process-identities as jobs: a plan job splits the profile's identities into chunks (keyset on
 * id); chunk jobs — on any number of workers — each evaluate and write their chunks, each chunk
 * in one transaction that marks it done, so a chunk is applied once even when a job is delivered
 * twice or a worker dies mid-chunk (the transaction rolls back and the job is retried); the last
 * chunk queues a finalize job that correlates managers and completes the task.
 *
 * A job covers `chunkSize` identities (the unit workers share); a chunk — a transaction —
 * `transactionSize` of them, the same on PostgreSQL. On PGlite, whose one session a transaction
 * holds (requests wait for it to end), a job's identities are written in several short
 * transactions, and the run's progress moves with each.
 */
export const CHUNK_SIZE = 2500;
const PHASE = 'attributes';

/** A processing run: the payload of its plan and finalize jobs. */
const ProcessRun = Type.Object({
  taskId: Type.String(),
  profileId: Type.String(),
  dryRun: Type.Optional(Type.Boolean()),
});
export type ProcessRun = Static<typeof ProcessRun>;
const ChunkPayload = Type.Object({
  ...ProcessRun.properties,
  chunkNo: Type.Integer({ minimum: 0 }),
  /** Consecutive chunks the job covers, from `chunkNo` (1 when absent). */
  chunks: Type.Optional(Type.Integer({ minimum: 1 })),
});
export type ChunkPayload = Static<typeof ChunkPayload>;

/** Splits the run into chunks and queues their jobs (`runPlanJob`). */
export const planJob = defineJob({
  name: 'identity-profiles.process',
  payload: ProcessRun,
  handle: (ctx, run, settings) => runPlanJob(ctx, run, settings.chunkSize, settings.chunkTransactionSize),
});

/** Evaluates and writes some of the run's chunks (`runChunkJob`): many at once, on any worker. */
export const chunkJob = defineJob({
  name: 'identity-profiles.process-chunk',
  payload: ChunkPayload,
  handle: (ctx, job) => runChunkJob(ctx, job),
  // several chunks at once keep both the database and the event loop busy
  concurrent: true,
});

/** Correlates managers and completes the run's task (`runFinalizeJob`). */
export const finalizeJob = defineJob({
  name: 'identity-profiles.process-finalize',
  payload: ProcessRun,
  handle: (ctx, run) => runFinalizeJob(ctx, run),
});

/** Has the run's plan made its chunks? (A run without them has not begun.) */
export async function isPlanned(repos: Repositories, taskId: string): Promise<boolean> {
  return (await repos.tasks.listChunks(taskId, PHASE)).length > 0;
}

export async function runPlanJob(
  ctx: DomainContext,
  run: ProcessRun,
  chunkSize = CHUNK_SIZE,
  transactionSize = chunkSize,
): Promise<void> {
  const task = await ctx.repos.tasks.findById(run.taskId);
  if (!task || task.completed) return;
  const perChunk = Math.min(chunkSize, transactionSize);
  const perJob = Math.max(1, Math.round(chunkSize / perChunk));
  const bounds = await ctx.repos.identities.chunkBounds(run.profileId, perChunk);
  await ctx.repos.tasks.createChunks(run.taskId, PHASE, bounds);
  const total = bounds.reduce((n, b) => n + b.count, 0);
  await ctx.repos.tasks.updateProgress(run.taskId, { total, processed: 0, changed: 0, failed: 0 });
  const chunks = await ctx.repos.tasks.listChunks(run.taskId, PHASE);
  if (chunks.every((c) => c.done)) return ctx.jobs.enqueue(finalizeJob, run);
  const jobs: ChunkPayload[] = [];
  for (let first = 0; first < chunks.length; first += perJob) {
    const open = chunks.slice(first, first + perJob).filter((c) => !c.done);
    if (open.length)
      jobs.push({ ...run, chunkNo: open[0].chunkNo, chunks: open.at(-1)!.chunkNo - open[0].chunkNo + 1 });
  }
  await ctx.jobs.enqueueMany(chunkJob, jobs);
}

export async function runChunkJob(ctx: DomainContext, job: ChunkPayload): Promise<void> {
  // the profile and its source as the job's first chunk reads them serve all its chunks (one
  // read per `chunkSize` identities, as when a job was one chunk)
  let inputs: ChunkInputs | undefined;
  for (let chunkNo = job.chunkNo; chunkNo < job.chunkNo + (job.chunks ?? 1); chunkNo++)
    inputs = await runChunk(ctx, job, chunkNo, inputs);
  // Asked after the commit: inside the transaction, two chunks finishing at once each saw the
  // other still open and neither queued the finalize job (the run stayed "running"). Now the
  // later commit sees both; when both do, the second finalize finds the task completed. A retry
  // of a chunk already done asks again, so a worker that died right here is covered too.
  if ((await ctx.repos.tasks.listChunks(job.taskId, PHASE)).every((c) => c.done)) {
    await ctx.jobs.enqueue(finalizeJob, { taskId: job.taskId, profileId: job.profileId, dryRun: job.dryRun });
  }
}

interface ChunkInputs {
  profile: IdentityProfile | undefined;
  managerLookup: ManagerLookup | undefined;
  /** The profile's lifecycle states, when it maps `cloudLifecycleState`. */
  states: ProfileStates | undefined;
}

/** One chunk, in one transaction that marks it done (a chunk already done is skipped). */
async function runChunk(
  ctx: DomainContext,
  job: ProcessRun,
  chunkNo: number,
  known?: ChunkInputs,
): Promise<ChunkInputs | undefined> {
  return ctx.withTransaction(async (repos) => {
    const chunk = await repos.tasks.lockChunk(job.taskId, PHASE, chunkNo);
    if (!chunk || chunk.done || !chunk.firstId || !chunk.lastId) return known;
    const inputs = known ?? (await readInputs(repos, job.profileId));
    const { profile, managerLookup, states } = inputs;
    const outcome = profile
      ? await processChunk(
          ctx,
          repos,
          job,
          profile,
          { firstId: chunk.firstId, lastId: chunk.lastId },
          managerLookup,
          states,
        )
      : {
          processed: 0,
          changed: 0,
          failed: 0,
          errors: [{ identityId: '', name: '', message: `Identity profile '${job.profileId}' no longer exists.` }],
        };
    await repos.tasks.finishChunk(job.taskId, PHASE, chunkNo, outcome);
    return inputs;
  });
}

async function readInputs(repos: Repositories, profileId: string): Promise<ChunkInputs> {
  const profile = await repos.profiles.findById(profileId);
  if (!profile) return { profile, managerLookup: undefined, states: undefined };
  return {
    profile,
    managerLookup: managerLookupFor(profile, await repos.sources.findById(profile.authoritativeSource.id)),
    states: mapsLifecycle(profile) ? await readProfileStates(repos, profile.id) : undefined,
  };
}

export async function runFinalizeJob(ctx: DomainContext, run: ProcessRun): Promise<void> {
  await ctx.withTransaction(async (repos) => {
    const task = await repos.tasks.lock(run.taskId);
    if (!task || task.completed) return;
    const profile = await repos.profiles.findById(run.profileId, { forUpdate: true });
    const totals = await repos.tasks.chunkTotals(run.taskId);
    const total = task.progress?.total ?? totals.processed;
    const summaries = totals.summaries as ChunkSummary[];
    let managersChanged = summaries.reduce((n, x) => n + (x.managersChanged ?? 0), 0);
    let changed = totals.changed;
    if (profile && !run.dryRun) {
      const source = await repos.sources.findById(profile.authoritativeSource.id);
      // without the account lookup (see manager-lookup.ts), one pass over the profile now
      if (source?.managerCorrelationMapping && !managerLookupFor(profile, source)) {
        const m = await repos.identities.correlateManagers(
          profile.id,
          source.id,
          source.managerCorrelationMapping,
          task.launched,
        );
        managersChanged = m.changed;
        changed += m.notChangedBefore;
      }
      await repos.identities.refreshCounts();
      const counted = await repos.profiles.findById(profile.id);
      await repos.profiles.update({ ...counted!, identityRefreshRequired: false });
      await repos.identities.markProfileProcessed(profile.id, ctx.now());
    }
    const messages = [
      taskMessage(
        'INFO',
        `Processed ${totals.processed} of ${total} identities: ${changed} changed, ${totals.failed} failed${run.dryRun ? ' (dry run: nothing was written)' : ''}.`,
      ),
    ];
    if (profile && !profile.identityAttributeConfig.enabled)
      messages.push(
        taskMessage(
          'WARN',
          'Attribute mapping is disabled for this profile (identityAttributeConfig.enabled is false): no attribute values were promoted.',
        ),
      );
    if (!profile) messages.push(taskMessage('ERROR', `Identity profile '${run.profileId}' no longer exists.`));
    const lifecycle = summaries.some((x) => x.lifecycle)
      ? mergeLifecycleSummaries(summaries.map((x) => x.lifecycle))
      : undefined;
    if (lifecycle) messages.push(...lifecycleReport(lifecycle, !!run.dryRun));
    await repos.tasks.updateProgress(run.taskId, {
      total,
      processed: totals.processed,
      changed,
      failed: totals.failed,
    });
    await repos.tasks.complete(run.taskId, {
      completed: ctx.now(),
      completionStatus: !profile
        ? 'Error'
        : totals.failed > 0 || (lifecycle?.problems ?? 0) > 0
          ? 'Warning'
          : 'Success',
      messages,
      result: {
        total,
        processed: totals.processed,
        changed,
        failed: totals.failed,
        managersChanged,
        dryRun: !!run.dryRun,
        errors: totals.errors,
        ...(run.dryRun
          ? { attributeChanges: mergeDryRunSummaries(summaries.map((x) => x.attributeChanges ?? [])) }
          : {}),
        ...(lifecycle ? { lifecycleStates: lifecycle } : {}),
      },
    });
  });
  ctx.compiledMappings.forget(run.taskId);
}
