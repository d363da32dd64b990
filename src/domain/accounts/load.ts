import type { Readable } from 'node:stream';
import { Type, type Static } from 'typebox';
import type { Actor, DomainContext, Repositories } from '../context.js';
import { needProcessing } from '../identities/placement.js';
import { isPlanned } from '../identities/processing.js';
import { createProcessingTask, startProcessing } from '../identity-profiles/process.js';
import { defineJob, type JobSettings } from '../shared/job.js';
import { TransactionPace } from '../shared/transaction-pace.js';
import { getSource } from '../sources/service.js';
import type { TaskRecord } from '../tasks/repository.js';
import { whileAlive } from '../tasks/liveness.js';
import { createTask, failTask, taskMessage } from '../tasks/service.js';
import { applyProgressOf, applyStep, hasBegun, type ApplyProgress } from './apply.js';
import { runDryRun, settleBeforeApplying, type StagedFile } from './load-decision.js';
import { stageFile } from './stage.js';
import type { LoadOptions, LoadOutcome, LoadSummary } from './schema.js';

const LoadJobPayload = Type.Object({
  taskId: Type.String(),
  sourceId: Type.String(),
  dryRun: Type.Optional(Type.Boolean()),
  allowDeletes: Type.Optional(Type.Integer({ minimum: 0 })),
});
export type LoadJobPayload = Static<typeof LoadJobPayload>;

/**
 * `load-accounts`: streams the CSV into a staging table in batches (never the whole file in
 * memory), then hands the staged rows to a job that applies them (`runLoadJob`). Malformed rows
 * are rejected with their line number and never applied.
 * A dry run stages the file the same way; its job reports what the load would do instead.
 */
export async function startAccountLoad(
  ctx: DomainContext,
  sourceId: string,
  file: Readable,
  actor: Actor,
  options: LoadOptions = {},
): Promise<TaskRecord> {
  const source = await getSource(ctx, sourceId);
  const task = await createTask(ctx.repos, ctx, {
    type: 'CLOUD_ACCOUNT_AGGREGATION',
    name: options.dryRun ? 'Cloud Account Aggregation Dry Run' : 'Cloud Account Aggregation',
    description: `${options.dryRun ? 'Preview loading' : 'Load'} accounts into source '${source.name}'`,
    actor,
    target: { type: 'SOURCE', id: source.id, name: source.name },
  });
  try {
    const staged = await whileAlive(ctx, task.id, () => stageFile(ctx, task.id, source, file));
    await ctx.repos.tasks.setResult(task.id, {
      phase: options.dryRun ? 'previewing' : 'applying',
      ...staged.summary,
      header: staged.header,
    });
    const job: LoadJobPayload = {
      taskId: task.id,
      sourceId,
      ...(options.dryRun ? { dryRun: true } : {}),
      ...(options.allowDeletes !== undefined ? { allowDeletes: options.allowDeletes } : {}),
    };
    await ctx.jobs.enqueue(loadJob, job);
    return (await ctx.repos.tasks.findById(task.id))!;
  } catch (e) {
    await ctx.repos.accounts.clearStaged(task.id);
    await ctx.repos.tasks.complete(task.id, {
      completed: ctx.now(),
      completionStatus: 'Error',
      messages: [taskMessage('ERROR', (e as Error).message)],
      result: null,
    });
    throw e;
  }
}

/**
 * Processing runs a load asks for: `create` makes a run's task (in the load's transaction, so the
 * load's result can name it), `start` queues it once the load has committed.
 */
export interface ProcessingRequests {
  create(repos: Repositories, profileId: string): Promise<string | undefined>;
  start(taskId: string, profileId: string): Promise<void>;
}

const SYSTEM: Actor = { clientId: 'system', name: 'system' };

/** After a load, the affected profiles are processed (as ISC's event-based processing), launched by `system`. */
const processingRuns = (ctx: DomainContext): ProcessingRequests => ({
  create: async (repos, profileId) => {
    const profile = await repos.profiles.findById(profileId);
    return profile ? createProcessingTask(repos, ctx, profile, SYSTEM) : undefined;
  },
  start: (taskId, profileId) => startProcessing(ctx, taskId, profileId),
});

/** Applies a staged file (`runLoadJob`); given up, its task fails with its runs (`giveUpLoad`). */
export const loadJob = defineJob({
  name: 'sources.load-accounts',
  payload: LoadJobPayload,
  handle: (ctx, payload, settings) => runLoadJob(ctx, payload, processingRuns(ctx), settings.loadBatches),
  giveUp: (ctx, payload, message) => giveUpLoad(ctx, payload.taskId, message),
});

/**
 * The job: a dry run only reports (`runDryRun`). A load first takes the decision due before
 * anything is applied (the delete rule: `settleBeforeApplying`), then applies the staged rows as a
 * full aggregation (apply.ts: accounts missing from the file are removed, new accounts form
 * identities under their profile), and — when anything changed — creates a processing run for each
 * affected profile, named in the load's result (`processingTaskIds`); the runs start after the
 * commit. A retry of a load that committed but stopped before starting them starts them (starting
 * twice is harmless).
 *
 * Without `batches` (PostgreSQL) all of it is one transaction: a load is all or nothing. With
 * them (PGlite, whose one session a transaction holds) each batch of rows is a transaction
 * of its own, which also records how far the apply got: a retry resumes there, and the load's
 * task completes — with its result and runs — only in the last one. Readers see a load's batches
 * as they commit, as they see an ISC aggregation's accounts arrive.
 *
 * Loads of one source apply one at a time (`finishUnfinishedLoad`, `lockForLoad`).
 */
export async function runLoadJob(
  ctx: DomainContext,
  payload: LoadJobPayload,
  processing: ProcessingRequests,
  batches?: LoadBatches,
): Promise<void> {
  await finishUnfinishedLoad(ctx, payload, processing, batches);
  if (payload.dryRun) return runDryRun(ctx, payload.taskId, payload.sourceId, payload);
  return applyLoad(ctx, payload, processing, batches);
}

/** Rows per load transaction (JobSettings.loadBatches); absent, one transaction (PostgreSQL). */
export type LoadBatches = NonNullable<JobSettings['loadBatches']>;

/** The load itself (see runLoadJob). */
async function applyLoad(
  ctx: DomainContext,
  payload: LoadJobPayload,
  processing: ProcessingRequests,
  batches?: LoadBatches,
): Promise<void> {
  const pace =
    typeof batches === 'number'
      ? new TransactionPace({ initial: batches, min: batches, max: batches, targetMs: 1 })
      : batches?.();
  let runs: Array<{ taskId: string; profileId: string }> | undefined;
  const afterCommit = { refreshStatistics: false };
  while (!runs) {
    const started = performance.now();
    let step: { rows: number; full: boolean } | undefined;
    runs = await ctx.withTransaction(async (repos) => {
      // first: loads of one source apply one at a time, each deciding on what the one before left
      await repos.sources.lockForLoad(payload.sourceId);
      const task = await repos.tasks.lock(payload.taskId);
      if (!task) return [];
      if (task.completed) return runsNotStarted(repos, task);
      let at = applyProgressOf(task);
      // the delete rule, decided before the first step: a refused load applies nothing at all
      if (
        !hasBegun(task) &&
        (await settleBeforeApplying(ctx, repos, task, payload.sourceId, payload, task.result as StagedFile))
      )
        return [];
      if (pace === undefined) {
        while (at.step !== 'done') at = await applyStep(repos, task.id, payload.sourceId, at);
      } else if (at.step !== 'done') {
        const before = at;
        at = await applyStep(repos, task.id, payload.sourceId, at, pace.rows);
        // a step that went on to the next took fewer rows than asked: no measure of the rate
        step = { rows: pace.rows, full: at.step === before.step };
        await repos.tasks.setResult(task.id, { ...task.result, applied: at });
        const staged = (task.result ?? {}) as Partial<LoadSummary>;
        await repos.tasks.updateProgress(task.id, {
          total: staged.rows ?? 0,
          processed: at.rows,
          changed: at.added + at.updated + at.removed,
          failed: staged.rejected ?? 0,
        });
        return undefined; // the next step in a transaction of its own
      }
      return completeLoad(ctx, repos, task, payload.sourceId, at, processing, afterCommit);
    });
    if (step?.full) pace!.took(step.rows, performance.now() - started);
  }
  // statistics for the runs' plans, after the commit: on PGlite each `analyze` holds the one session
  // for a few hundred ms, which inside the last transaction made it hold it for most of a second
  if (afterCommit.refreshStatistics) await ctx.repos.accounts.refreshStatistics();
  for (const run of runs) await processing.start(run.taskId, run.profileId);
}

/**
 * Loads of one source apply one at a time. On PostgreSQL a load is one transaction that takes the
 * source's load lock first (`lockForLoad`): a second load, on any worker, waits for the first to
 * commit and then decides (the delete rule) on what it left. On PGlite a load is several
 * transactions, but one process runs one load job at a time, start to end, so nothing comes
 * between its steps — except when a step fails: pg-boss retries the job a second later, and a
 * load queued meanwhile (or a dry run) would apply over the half-applied one, and the retry then
 * over that. So any load job of a source first completes a load of it left part-applied.
 */
async function finishUnfinishedLoad(
  ctx: DomainContext,
  payload: LoadJobPayload,
  processing: ProcessingRequests,
  batches?: LoadBatches,
): Promise<void> {
  if (batches === undefined) return; // one transaction per load: none is ever left part-applied
  const unfinished = await ctx.repos.sources.unfinishedLoad(payload.sourceId, payload.taskId);
  // (its own job's retry finds it complete; a failure here fails this job, to be retried in turn)
  if (unfinished) await applyLoad(ctx, { taskId: unfinished, sourceId: payload.sourceId }, processing, batches);
}

/** The load's last transaction: counts and flags, its processing runs (when anything changed), its result; statistics are refreshed after it. */
async function completeLoad(
  ctx: DomainContext,
  repos: Repositories,
  task: TaskRecord,
  sourceId: string,
  applied: ApplyProgress,
  processing: ProcessingRequests,
  afterCommit: { refreshStatistics: boolean },
): Promise<Array<{ taskId: string; profileId: string }>> {
  const staged = (task.result ?? {}) as StagedFile;
  // (identities left without accounts went in the steps that removed their accounts)
  await repos.identities.refreshCounts();
  await needProcessing(repos, applied.affectedProfiles);
  if (staged.header?.length) await repos.sources.setAccountAttributeNames(sourceId, staged.header);
  afterCommit.refreshStatistics = applied.added + applied.removed > 1000;
  const summary: LoadSummary = {
    rows: applied.rows,
    added: applied.added,
    updated: applied.updated,
    unchanged: applied.rows - applied.added - applied.updated,
    removed: applied.removed,
    rejected: staged.rejected ?? 0,
    rejections: staged.rejections ?? [],
  };
  const formed = applied.formed;
  const identitiesRemoved = applied.identitiesRemoved ?? 0;
  // a load that changed nothing needs no processing (identities read only their accounts)
  const changed =
    applied.added + applied.updated + applied.removed + identitiesRemoved + formed > 0 ||
    applied.affectedProfiles.length > 0;
  const profile = changed ? await repos.profiles.findByAuthoritativeSource(sourceId) : undefined;
  const created: Array<{ taskId: string; profileId: string }> = [];
  for (const profileId of changed ? new Set([...applied.affectedProfiles, ...(profile ? [profile.id] : [])]) : []) {
    const taskId = await processing.create(repos, profileId);
    if (taskId) created.push({ taskId, profileId });
  }
  const rows = summary.rows + summary.rejected;
  await repos.tasks.updateProgress(task.id, {
    total: rows,
    processed: rows,
    changed: summary.added + summary.updated + summary.removed,
    failed: summary.rejected,
  });
  await repos.tasks.complete(task.id, {
    completed: ctx.now(),
    completionStatus: summary.rejected > 0 ? 'Warning' : 'Success',
    messages: [
      taskMessage(
        'INFO',
        `Loaded ${summary.rows} account(s): ${summary.added} added, ${summary.updated} updated, ${summary.removed} removed, ${summary.rejected} rejected; ${formed} new identit${formed === 1 ? 'y' : 'ies'}, ${identitiesRemoved} removed.${changed ? '' : ' Nothing changed, so no processing run was started.'}`,
      ),
    ],
    result: {
      ...summary,
      identitiesCreated: formed,
      identitiesRemoved,
      processingTaskIds: created.map((r) => r.taskId),
    } satisfies LoadOutcome,
  });
  return created;
}

/**
 * A load job that failed its last attempt: its task fails, and so do the processing runs it
 * created but could not start (they would otherwise stay "running" with no job behind them).
 */
export async function giveUpLoad(
  ctx: Pick<DomainContext, 'repos' | 'now'>,
  taskId: unknown,
  message: string,
): Promise<void> {
  if (typeof taskId !== 'string') return;
  const before = await ctx.repos.tasks.findById(taskId);
  await failTask(ctx, taskId, before && !before.completed ? `${message}${partlyApplied(before)}` : message);
  const load = await ctx.repos.tasks.findById(taskId);
  if (!load) return;
  for (const run of await runsNotStarted(ctx.repos, load)) {
    await failTask(
      ctx,
      run.taskId,
      `The account load that asked for this run (${taskId}) could not start it: ${message}`,
    );
  }
}

/** What a load applied in steps had written when it stopped (nothing to say when it had not begun). */
function partlyApplied(task: TaskRecord): string {
  const at = applyProgressOf(task);
  if (at.step === 'remove' && at.after === null) return '';
  return ` Part of the file was applied before it stopped (${at.removed} account(s) removed, ${at.rows} of ${(task.result as Partial<LoadSummary>).rows ?? '?'} row(s) written); loading the file again completes it.`;
}

/** The processing runs a completed load created that have not begun (no chunks planned, not completed). */
async function runsNotStarted(
  repos: Repositories,
  load: TaskRecord,
): Promise<Array<{ taskId: string; profileId: string }>> {
  const ids = ((load.result ?? {}) as { processingTaskIds?: string[] }).processingTaskIds ?? [];
  const runs: Array<{ taskId: string; profileId: string }> = [];
  for (const id of ids) {
    const run = await repos.tasks.findById(id);
    if (!run || run.completed || !run.target || (await isPlanned(repos, id))) continue;
    runs.push({ taskId: id, profileId: run.target.id });
  }
  return runs;
}
