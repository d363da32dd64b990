import type { LoadCounts, LoadRefused } from './schema.js';

/**
 * The brake on a load's removals (product decision 15): a load is a full aggregation, so a bad
 * file — empty, cut short, the wrong export — would remove every account it leaves out, and the
 * identities formed from them. Decided from counts taken before anything is applied.
 *
 * - A file with no data rows, or whose every row was rejected, removes nothing, ever: no
 *   override lets it (there is nothing in it to trust).
 * - Otherwise a load may remove at most `deleteThreshold` percent of the source's accounts,
 *   rounded down, but always at least one when the threshold is above 0: on a source of a few
 *   accounts one leaver is a third of it, and refusing every such load would only teach
 *   operators to override. 0 means no load removes anything unless the operator allows it.
 * - `allowDeletes` (asked for per load) raises that limit to a number the operator states —
 *   typically the one a dry run or a refusal reported — so a different file is refused again.
 */
export interface DeleteRule {
  /** The source's `deleteThreshold`, percent. */
  deleteThreshold: number;
  /** The per-load override: this many removals are allowed whatever the threshold. */
  allowDeletes?: number;
}

/** Why a load applies nothing: the task's error message, with the numbers behind it. */
export interface LoadRefusal extends LoadRefused {
  message: string;
}

/** How many of `accountsOnSource` accounts one load may remove under the rule. */
export function deletesAllowed(accountsOnSource: number, rule: DeleteRule): number {
  const byThreshold =
    rule.deleteThreshold === 0 ? 0 : Math.max(1, Math.floor((accountsOnSource * rule.deleteThreshold) / 100));
  return Math.max(byThreshold, rule.allowDeletes ?? 0);
}

/**
 * The refusal for a load with these counts (`rejected`: rows refused while reading the file), or
 * none; `foreseen`: worded for a dry run, which reports the refusal the real load would meet.
 */
export function judgeRemovals(
  counts: Pick<LoadCounts, 'accountsOnSource' | 'rows' | 'removed'>,
  rejected: number,
  rule: DeleteRule,
  mood: 'done' | 'foreseen' = 'done',
): LoadRefusal | undefined {
  const nothing = mood === 'done' ? 'so nothing was applied' : 'so it would apply nothing';
  const { accountsOnSource, rows, removed } = counts;
  if (removed === 0) return undefined;
  const facts = {
    accountsOnSource,
    wouldRemove: removed,
    deleteThreshold: rule.deleteThreshold,
    deletesAllowed: deletesAllowed(accountsOnSource, rule),
  };
  if (rows === 0) {
    const file = rejected === 0 ? 'The file has no data rows' : `Every row of the file (${rejected}) was rejected`;
    return {
      reason: 'noRows',
      ...facts,
      message: `${file}: a load never removes accounts on the strength of such a file, ${nothing} and the source keeps its ${accountsOnSource} account(s). ${rejected === 0 ? 'Check that it is the file you meant to load.' : 'Correct the rows listed as rejected and load the file again.'}`,
    };
  }
  if (removed <= facts.deletesAllowed) return undefined;
  const allowance = `${rule.deleteThreshold}% (at most ${deletesAllowed(accountsOnSource, { deleteThreshold: rule.deleteThreshold })})`;
  const override = rule.allowDeletes === undefined ? '' : ` and this load's allowDeletes of ${rule.allowDeletes}`;
  return {
    reason: 'deleteThreshold',
    ...facts,
    message:
      `This load would remove ${removed} of the source's ${accountsOnSource} accounts (${percent(removed, accountsOnSource)}), more than its deleteThreshold of ${allowance}${override} allows, ${nothing}. ` +
      `If these removals are intended, load the file again allowing them (idprofiles load --allow-deletes ${removed}, or ?allowDeletes=${removed} on load-accounts), ` +
      'or raise the source\'s deleteThreshold (PATCH /v3/sources/{id}: [{"op":"replace","path":"/deleteThreshold","value":N}]). A dry run (?dryRun=true, idprofiles load --dry-run) lists the accounts it would remove.',
  };
}

const percent = (part: number, whole: number) => {
  const p = (part * 100) / whole;
  return `${Number.isInteger(p) ? p : p.toFixed(1)}%`;
};
