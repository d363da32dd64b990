import type { DomainContext, Repositories } from '../context.js';
import type { TaskRecord } from '../tasks/repository.js';
import { taskMessage } from '../tasks/service.js';
import { deletesAllowed, judgeRemovals, type DeleteRule, type LoadRefusal } from './load-guard.js';
import type { LoadOptions, LoadOutcome, LoadPreview, LoadSummary } from './schema.js';

/** Examples of each kind of change a dry run lists. */
export const SAMPLE_SIZE = 10;

/** What the upload recorded on the task: the rows it refused and the header (see `startAccountLoad`). */
export type StagedFile = Partial<LoadSummary> & { header?: string[] };

/**
 * The decision a load takes in its transaction before it applies anything: the delete rule
 * (`load-guard.ts`), from counts alone. A refused load is completed here in error, its staged
 * rows dropped and nothing else written, and this returns true; false means the load may apply.
 */
export async function settleBeforeApplying(
  ctx: Pick<DomainContext, 'now'>,
  repos: Repositories,
  task: TaskRecord,
  sourceId: string,
  options: LoadOptions,
  staged: StagedFile,
): Promise<boolean> {
  const source = await repos.sources.findById(sourceId);
  if (!source) {
    await finish(ctx, repos, task, staged, 'Error', [taskMessage('ERROR', SOURCE_GONE)], null);
    return true;
  }
  const rule: DeleteRule = { deleteThreshold: source.deleteThreshold, allowDeletes: options.allowDeletes };
  const refusal = judgeRemovals(await repos.accounts.countRemovals(task.id, sourceId), staged.rejected ?? 0, rule);
  if (!refusal) return false;
  await finish(
    ctx,
    repos,
    task,
    staged,
    'Error',
    [taskMessage('ERROR', refusal.message)],
    refusedResult(staged, refusal) as unknown as Record<string, unknown>,
  );
  return true;
}

const SOURCE_GONE = 'The source was deleted before its accounts could be loaded; nothing was applied.';

/**
 * A dry run's job: what the load would do (`previewLoad`), as the task's result; the staged rows
 * are dropped and nothing else is written. It first waits for a load of the source in progress,
 * without holding the load lock after. Its statements run one by one outside a transaction,
 * so on the embedded database (one connection) other requests get their turn between them
 * instead of waiting for the whole preview; the completion is one short transaction.
 */
export async function runDryRun(
  ctx: Pick<DomainContext, 'now' | 'repos' | 'withTransaction'>,
  taskId: string,
  sourceId: string,
  options: LoadOptions,
): Promise<void> {
  const task = await ctx.repos.tasks.findById(taskId);
  if (!task || task.completed) return;
  // a load of the source in progress is waited for (the preview reads what it leaves); the lock
  // is not held while the preview reads, so loads never wait for a dry run
  await ctx.repos.sources.lockForLoad(sourceId);
  const staged = (task.result ?? {}) as StagedFile;
  const source = await ctx.repos.sources.findById(sourceId);
  const preview =
    source &&
    (await previewLoad(ctx.repos, taskId, sourceId, staged, {
      deleteThreshold: source.deleteThreshold,
      allowDeletes: options.allowDeletes,
    }));
  await ctx.withTransaction(async (repos) => {
    const locked = await repos.tasks.lock(taskId);
    if (!locked || locked.completed) return;
    if (!preview) return finish(ctx, repos, locked, staged, 'Error', [taskMessage('ERROR', SOURCE_GONE)], null);
    const status = preview.refusal || preview.rejected > 0 ? 'Warning' : 'Success';
    const messages = [
      taskMessage('INFO', describePreview(preview)),
      ...(preview.refusal ? [taskMessage('WARN', `The real load would be refused: ${preview.refusal}`)] : []),
    ];
    await finish(ctx, repos, locked, staged, status, messages, preview as unknown as Record<string, unknown>);
  });
}

/** Everything the load would do: the same counts as the real load's result, read-only, with examples. */
export async function previewLoad(
  repos: Repositories,
  taskId: string,
  sourceId: string,
  staged: StagedFile,
  rule: DeleteRule,
): Promise<LoadPreview> {
  const counts = await repos.accounts.compareStaged(taskId, sourceId);
  const samples = await repos.accounts.sampleStaged(taskId, sourceId, SAMPLE_SIZE);
  const identities = await repos.accounts.previewIdentities(taskId, sourceId, SAMPLE_SIZE);
  const refusal = judgeRemovals(counts, staged.rejected ?? 0, rule, 'foreseen');
  return {
    dryRun: true,
    ...counts,
    rejected: staged.rejected ?? 0,
    rejections: staged.rejections ?? [],
    identitiesCreated: identities.created,
    identitiesRemoved: identities.removed,
    deleteThreshold: rule.deleteThreshold,
    deletesAllowed: deletesAllowed(counts.accountsOnSource, rule),
    samples: { ...samples, ...identities.samples },
    ...(refusal ? { refusal: refusal.message } : {}),
  };
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function describePreview(p: LoadPreview): string {
  return (
    `Dry run: loading this file would add ${p.added}, update ${p.updated}, leave ${p.unchanged} unchanged and remove ${p.removed} of the source's ${p.accountsOnSource} account(s), ` +
    `${p.rejected} row(s) rejected; ${plural(p.identitiesCreated, 'identity', 'identities')} would be created and ${p.identitiesRemoved} removed. Nothing was written.`
  );
}

/** A refused load's result: nothing applied (every count 0), the file's rejections, and the numbers behind the refusal. */
function refusedResult(staged: StagedFile, refusal: LoadRefusal): LoadOutcome {
  const { message: _message, ...refused } = refusal;
  return {
    rows: 0,
    added: 0,
    updated: 0,
    unchanged: 0,
    removed: 0,
    rejected: staged.rejected ?? 0,
    rejections: staged.rejections ?? [],
    identitiesCreated: 0,
    identitiesRemoved: 0,
    processingTaskIds: [],
    refused,
  };
}

async function finish(
  ctx: Pick<DomainContext, 'now'>,
  repos: Repositories,
  task: TaskRecord,
  staged: StagedFile,
  completionStatus: 'Success' | 'Warning' | 'Error',
  messages: TaskRecord['messages'],
  result: Record<string, unknown> | null,
): Promise<void> {
  await repos.accounts.clearStaged(task.id);
  const lines = (staged.rows ?? 0) + (staged.rejected ?? 0);
  await repos.tasks.updateProgress(task.id, {
    total: lines,
    processed: lines,
    changed: 0,
    failed: staged.rejected ?? 0,
  });
  await repos.tasks.complete(task.id, { completed: ctx.now(), completionStatus, messages, result });
}
