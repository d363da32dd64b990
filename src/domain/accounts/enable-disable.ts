import { ERRORS } from '../../errors.js';
import type { Actor, DomainContext, Repositories } from '../context.js';
import type { TaskRecord } from '../tasks/repository.js';
import { createTask, taskMessage } from '../tasks/service.js';
import type { AccountSelector, AccountStateChange } from './repository.js';

export type { AccountSelector } from './repository.js';

/** What one enable/disable did: its task (complete, readable at task-status) and every account it selected. */
export interface AccountsDisabledOutcome {
  task: TaskRecord;
  accounts: AccountStateChange[];
}

export interface SetAccountsDisabledOptions {
  /** Run inside the caller's transaction (e.g. a lifecycle state's change) instead of one of its own. */
  repos?: Repositories;
  /** Why, for the task's description (default: "Disable 2 account(s)"). */
  reason?: string;
}

/** Ids listed in a task's result, at most (the counts are always whole). */
const LISTED = 1000;

/**
 * Enables or disables accounts (ISC's `POST /accounts/{id}/enable|disable`, and a lifecycle
 * state's ENABLE/DISABLE account actions): records `disabled` on each selected account and a
 * task saying what it did, in one transaction — either every selected account is so and the task
 * says it, or nothing changed. There is no connector to provision, so the task is complete when
 * this returns (`Success`); the 202 answer's id reads at task-status like any other task.
 *
 * `{ accountIds }`: each must exist (404 naming the first that does not; nothing written).
 * `{ identityId, sourceIds?, excludeSourceIds? }`: that identity's accounts on those sources
 * (`sourceIds` absent: every source; `[]`: none), less those on `excludeSourceIds`; none selected
 * is a task that changed nothing. An account already so counts as selected, not changed.
 * The accounts' `modified` stays (processing may read it; `disabled` it never reads: migration 0011).
 * Loads keep what is recorded: a CSV has no disabled column this server reads.
 */
export async function setAccountsDisabled(
  ctx: Pick<DomainContext, 'withTransaction' | 'now' | 'newId'>,
  selector: AccountSelector,
  disabled: boolean,
  actor: Actor,
  options: SetAccountsDisabledOptions = {},
): Promise<AccountsDisabledOutcome> {
  const run = async (repos: Repositories): Promise<AccountsDisabledOutcome> => {
    const accounts = await repos.accounts.setDisabled(selector, disabled);
    if ('accountIds' in selector) {
      const found = new Set(accounts.map((a) => a.id));
      const missing = selector.accountIds.find((id) => !found.has(id));
      // thrown inside the transaction: what was written rolls back
      if (missing !== undefined) throw ERRORS.notFound('account_not_found', missing);
    }
    const verb = disabled ? 'Disable' : 'Enable';
    const task = await createTask(repos, ctx, {
      type: disabled ? 'ACCOUNT_DISABLE' : 'ACCOUNT_ENABLE',
      name: `${verb} Accounts`,
      description: options.reason ?? `${verb} ${accounts.length} account(s)`,
      actor,
      target: await targetOf(repos, selector, accounts),
    });
    const changed = accounts.filter((a) => a.changed);
    const done = disabled ? 'disabled' : 'enabled';
    const outcome = {
      completed: ctx.now(),
      completionStatus: 'Success' as const,
      messages: [
        taskMessage(
          'INFO',
          `${changed.length} of ${accounts.length} account(s) ${done}; ${accounts.length - changed.length} already were.`,
        ),
      ],
      result: {
        disabled,
        selected: accounts.length,
        changed: changed.length,
        accountIds: changed.slice(0, LISTED).map((a) => a.id),
        unchangedAccountIds: accounts
          .filter((a) => !a.changed)
          .slice(0, LISTED)
          .map((a) => a.id),
      },
    };
    await repos.tasks.complete(task.id, outcome);
    return { task: { ...task, ...outcome, modified: outcome.completed }, accounts };
  };
  return options.repos ? run(options.repos) : ctx.withTransaction((repos) => run(repos));
}

/** What the task acted on: the one account, or the identity whose accounts it selected. */
async function targetOf(
  repos: Repositories,
  selector: AccountSelector,
  accounts: AccountStateChange[],
): Promise<TaskRecord['target']> {
  if ('identityId' in selector) {
    const identity = await repos.identities.findById(selector.identityId);
    return { type: 'IDENTITY', id: selector.identityId, name: identity?.name ?? selector.identityId };
  }
  return accounts.length === 1 ? { type: 'ACCOUNT', id: accounts[0].id, name: accounts[0].name } : null;
}
