import type { Repositories } from '../context.js';
import { placeAccounts } from '../identities/placement.js';
import type { TaskRecord } from '../tasks/repository.js';

/**
 * Applying a load's staged rows as a full aggregation, in steps: first the source's accounts the
 * file does not name are removed (with identities left without accounts), then the file's rows are
 * added or update their account, each batch's new accounts correlating or forming identities, and
 * its staged rows dropped. Each step takes one batch of `limit` rows (all of them without a
 * limit), in native identity order, and returns where the apply stands after it.
 *
 * On PostgreSQL every step runs in the load's one transaction (all or nothing). On PGlite each
 * step is a transaction of its own, so that the embedded database's one session is never held
 * for long (load.ts): where the apply stands is written to the load's task in the same
 * transaction as the step, and a retry of the job (after a crash) resumes from there. Removal
 * before addition keeps today's meaning of a load: a new account never correlates to an
 * identity the same load leaves without accounts.
 */
export interface ApplyProgress {
  step: 'remove' | 'upsert' | 'done';
  /** The last native identity the step has dealt with (null: none yet). */
  after: string | null;
  rows: number;
  added: number;
  updated: number;
  removed: number;
  formed: number;
  /** Identities removed because the load left them without accounts. */
  identitiesRemoved: number;
  /** Profiles that gained identities: flagged and counted when the load completes. */
  affectedProfiles: string[];
}

/** Where a load's apply stands: as its last step left it, or at the start. */
export function applyProgressOf(task: TaskRecord): ApplyProgress {
  const kept = (task.result as { applied?: ApplyProgress } | null)?.applied;
  return (
    kept ?? {
      step: 'remove',
      after: null,
      rows: 0,
      added: 0,
      updated: 0,
      removed: 0,
      formed: 0,
      identitiesRemoved: 0,
      affectedProfiles: [],
    }
  );
}

/** Has the apply written anything yet (a step committed)? Decisions due before it (the delete rule) are taken once, before. */
export function hasBegun(task: TaskRecord): boolean {
  return (task.result as { applied?: ApplyProgress } | null)?.applied !== undefined;
}

/** One step of the apply (see ApplyProgress); call inside a transaction. */
export async function applyStep(
  repos: Repositories,
  taskId: string,
  sourceId: string,
  at: ApplyProgress,
  limit?: number,
): Promise<ApplyProgress> {
  switch (at.step) {
    case 'remove': {
      if (at.after === null && limit !== undefined) await repos.accounts.refreshStagedStatistics();
      const { through, removed, identityIds } = await repos.accounts.removeMissing(taskId, sourceId, at.after, limit);
      const orphans = identityIds.length ? await repos.identities.removeOrphans(identityIds) : 0;
      const counts = { removed: at.removed + removed, identitiesRemoved: (at.identitiesRemoved ?? 0) + orphans };
      return through === null
        ? { ...at, ...counts, step: 'upsert', after: null }
        : { ...at, ...counts, after: through };
    }
    case 'upsert': {
      const batch = await repos.accounts.upsertStaged(taskId, sourceId, at.after, limit);
      if (batch.through === null) return { ...at, step: 'done', after: null };
      const range = { sourceId, after: at.after, through: batch.through };
      const placed = await placeAccounts(repos, range, batch);
      await repos.accounts.clearStaged(taskId, range);
      return {
        ...at,
        after: batch.through,
        rows: at.rows + batch.rows,
        added: at.added + batch.added,
        updated: at.updated + batch.updated,
        formed: at.formed + placed.formed,
        affectedProfiles: [...new Set([...at.affectedProfiles, ...placed.affectedProfiles])],
      };
    }
    case 'done':
      return at;
  }
}
