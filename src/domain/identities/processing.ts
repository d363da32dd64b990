import type { DomainContext, Repositories } from '../context.js';
import type { IdentityProfile } from '../identity-profiles/schema.js';
import type { ChunkOutcome } from '../tasks/repository.js';
import { taskMessage } from '../tasks/service.js';
import { DryRunCollector, mergeDryRunSummaries } from './dry-run.js';
import { attributesFrom, compileMappings, evaluateIdentity, sameAttributes, type CompiledMappings } from './evaluate.js';

/**
 * process-identities as jobs: a plan job splits the profile's identities into chunks (keyset on
 * id); chunk jobs — on any number of workers — each evaluate and write one chunk in one
 * transaction and mark it done there, so a chunk is applied once even when a job is delivered
 * twice or a worker dies mid-chunk (the transaction rolls back and the job is retried); the last
 * chunk queues a finalize job that correlates managers and completes the task.
 */
export const PLAN_JOB = 'identity-profiles.process';
export const CHUNK_JOB = 'identity-profiles.process-chunk';
export const FINALIZE_JOB = 'identity-profiles.process-finalize';
export const CHUNK_SIZE = 1000;
const PHASE = 'attributes';

export interface ProcessRun {
  taskId: string;
  profileId: string;
  dryRun?: boolean;
  [key: string]: unknown;
}
export interface ChunkPayload extends ProcessRun {
  chunkNo: number;
}

export async function runPlanJob(ctx: DomainContext, run: ProcessRun, chunkSize = CHUNK_SIZE): Promise<void> {
  const task = await ctx.repos.tasks.findById(run.taskId);
  if (!task || task.completed) return;
  const bounds = await ctx.repos.identities.chunkBounds(run.profileId, chunkSize);
  await ctx.repos.tasks.createChunks(run.taskId, PHASE, bounds);
  const total = bounds.reduce((n, b) => n + b.count, 0);
  await ctx.repos.tasks.updateProgress(run.taskId, { total, processed: 0, changed: 0, failed: 0 });
  const chunks = await ctx.repos.tasks.listChunks(run.taskId, PHASE);
  if (chunks.every((c) => c.done)) return ctx.jobs.enqueue(FINALIZE_JOB, run);
  for (const c of chunks.filter((x) => !x.done)) await ctx.jobs.enqueue(CHUNK_JOB, { ...run, chunkNo: c.chunkNo } satisfies ChunkPayload);
}

/** Compiled mappings are cached per task within a process: compiled once per run, not per chunk. */
const compiledByTask = new Map<string, CompiledMappings>();
async function compiledFor(repos: Repositories, taskId: string, profile: IdentityProfile): Promise<CompiledMappings> {
  let compiled = compiledByTask.get(taskId);
  if (!compiled) {
    const stored = new Map((await repos.transforms.all()).map((t) => [t.name.toLowerCase(), t]));
    compiled = compileMappings(profile.identityAttributeConfig, (name) => stored.get(name.toLowerCase()));
    if (compiledByTask.size > 50) compiledByTask.clear();
    compiledByTask.set(taskId, compiled);
  }
  return compiled;
}

export async function runChunkJob(ctx: DomainContext, job: ChunkPayload): Promise<void> {
  const lastChunkDone = await ctx.withTransaction(async (repos) => {
    const chunk = await repos.tasks.lockChunk(job.taskId, PHASE, job.chunkNo);
    if (!chunk || chunk.done || !chunk.firstId || !chunk.lastId) return false;
    const profile = await repos.profiles.findById(job.profileId);
    const outcome = profile
      ? await processChunk(ctx, repos, job, profile, chunk.firstId, chunk.lastId)
      : { processed: 0, changed: 0, failed: 0, errors: [{ identityId: '', name: '', message: `Identity profile '${job.profileId}' no longer exists.` }] };
    await repos.tasks.finishChunk(job.taskId, PHASE, job.chunkNo, outcome);
    return (await repos.tasks.listChunks(job.taskId, PHASE)).every((c) => c.done);
  });
  if (lastChunkDone) await ctx.jobs.enqueue(FINALIZE_JOB, { taskId: job.taskId, profileId: job.profileId, dryRun: job.dryRun } satisfies ProcessRun);
}

const MAX_ERRORS_PER_CHUNK = 20;

async function processChunk(ctx: DomainContext, repos: Repositories, job: ChunkPayload, profile: IdentityProfile, firstId: string, lastId: string): Promise<ChunkOutcome> {
  const compiled = await compiledFor(repos, job.taskId, profile);
  const identities = await repos.identities.loadChunk(profile.id, firstId, lastId);
  const now = ctx.now();
  const outcome: ChunkOutcome = { processed: 0, changed: 0, failed: 0, errors: [] };
  const changes: Array<{ id: string; attributes: Record<string, unknown>; processingState: 'OK' | 'ERROR' }> = [];
  const dryRun = job.dryRun ? new DryRunCollector() : undefined;
  for (const identity of identities) {
    outcome.processed++;
    const results = evaluateIdentity(compiled, identity, now);
    const failures = results.filter((r) => r.error);
    if (failures.length) {
      outcome.failed++;
      for (const f of failures) if (outcome.errors.length < MAX_ERRORS_PER_CHUNK) outcome.errors.push({ identityId: identity.id, name: identity.name, attribute: f.attribute, message: f.error! });
    }
    if (!compiled.enabled) continue; // attributes are only promoted when the mapping config is enabled
    const next = attributesFrom(results);
    if (sameAttributes(next, identity.attributes)) continue;
    outcome.changed++;
    dryRun?.add(identity, next);
    changes.push({ id: identity.id, attributes: next, processingState: failures.length ? 'ERROR' : 'OK' });
  }
  if (dryRun) outcome.summary = dryRun.summary();
  else await repos.identities.writeAttributes(changes);
  return outcome;
}

export async function runFinalizeJob(ctx: DomainContext, run: ProcessRun): Promise<void> {
  await ctx.withTransaction(async (repos) => {
    const task = await repos.tasks.lock(run.taskId);
    if (!task || task.completed) return;
    const profile = await repos.profiles.findById(run.profileId, { forUpdate: true });
    const totals = await repos.tasks.chunkTotals(run.taskId);
    const total = task.progress?.total ?? totals.processed;
    let managersChanged = 0;
    let changed = totals.changed;
    if (profile && !run.dryRun) {
      const source = await repos.sources.findById(profile.authoritativeSource.id);
      if (source?.managerCorrelationMapping) {
        const m = await repos.identities.correlateManagers(profile.id, source.id, source.managerCorrelationMapping, task.launched);
        managersChanged = m.changed;
        changed += m.notChangedBefore;
      }
      await repos.identities.refreshCounts();
      const counted = await repos.profiles.findById(profile.id);
      await repos.profiles.update({ ...counted!, identityRefreshRequired: false });
      await repos.identities.markProfileProcessed(profile.id, ctx.now());
    }
    const messages = [taskMessage('INFO', `Processed ${totals.processed} of ${total} identities: ${changed} changed, ${totals.failed} failed${run.dryRun ? ' (dry run: nothing was written)' : ''}.`)];
    if (profile && !profile.identityAttributeConfig.enabled) messages.push(taskMessage('WARN', 'Attribute mapping is disabled for this profile (identityAttributeConfig.enabled is false): no attribute values were promoted.'));
    if (!profile) messages.push(taskMessage('ERROR', `Identity profile '${run.profileId}' no longer exists.`));
    await repos.tasks.complete(run.taskId, {
      completed: ctx.now(),
      completionStatus: !profile ? 'Error' : totals.failed > 0 ? 'Warning' : 'Success',
      messages,
      result: {
        total, processed: totals.processed, changed, failed: totals.failed, managersChanged, dryRun: !!run.dryRun, errors: totals.errors,
        ...(run.dryRun ? { attributeChanges: mergeDryRunSummaries(totals.summaries) } : {}),
      },
    });
  });
  compiledByTask.delete(run.taskId);
}
