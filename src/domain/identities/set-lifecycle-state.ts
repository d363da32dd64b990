import { AppError, ERRORS } from '../../errors.js';
import { setAccountsDisabled } from '../accounts/enable-disable.js';
import type { Actor, DomainContext } from '../context.js';
import { createTask, taskMessage } from '../tasks/service.js';
import type { TaskMessage } from '../tasks/schema.js';
import { accountChanges } from './lifecycle.js';

export const SET_STATE_TASK_TYPE = 'LIFECYCLE_STATE_SET';

/**
 * `POST …/identities/{id}/set-lifecycle-state` with `{lifecycleStateId}`: moves the identity into
 * one of its profile's states at once, marked manual (`manuallyUpdated: true`), and runs the
 * state's ENABLE/DISABLE account actions on its accounts — all in one transaction, recorded as a
 * completed task whose id is the answer's `accountActivityId` (readable at
 * `/v3/task-status/{id}`; its result lists the enable/disable tasks). ISC points that id at
 * `/v3/account-activities/{id}`, which this server does not serve (DEVELOP.md, Decisions).
 *
 * An unknown identity or state is a 404; a state of another profile, a disabled state, or an
 * identity without a profile a 400. A later processing run keeps the manual state while the
 * computed `cloudLifecycleState` stays what it was (identities/lifecycle.ts).
 */
export async function setLifecycleState(
  ctx: DomainContext,
  identityId: string,
  lifecycleStateId: string,
  actor: Actor,
): Promise<{ accountActivityId: string }> {
  return ctx.withTransaction(async (repos) => {
    const identity = await repos.identities.findForProcessing(identityId);
    if (!identity) throw ERRORS.notFound('identity_not_found', identityId);
    const [placed] = await repos.identities.profilesOf([identityId]);
    if (!placed?.profileId)
      throw new AppError(
        'lifecycle_state_not_assignable',
        `Identity '${identityId}' belongs to no identity profile, so it has no lifecycle states.`,
      );
    // held to the commit: a delete of the state waits for it and sees the identity in it (h/states)
    await repos.lifecycleStates.lockStates(placed.profileId);
    const state = await repos.lifecycleStates.findById(lifecycleStateId);
    if (!state) throw ERRORS.notFound('lifecycle_state_not_found', lifecycleStateId);
    if (state.profileId !== placed.profileId) {
      throw new AppError(
        'lifecycle_state_not_assignable',
        `lifecycleStateId: lifecycle state '${lifecycleStateId}' belongs to another identity profile than identity '${identityId}'.`,
      );
    }
    if (!state.enabled)
      throw new AppError(
        'lifecycle_state_not_assignable',
        `lifecycleStateId: lifecycle state '${state.name}' (${state.technicalName}) is disabled.`,
      );
    const task = await createTask(repos, ctx, {
      type: SET_STATE_TASK_TYPE,
      name: 'Set Lifecycle State',
      description: `Set the lifecycle state of '${identity.name}' to '${state.name}' (${state.technicalName})`,
      actor,
      target: { type: 'IDENTITY', id: identity.id, name: identity.name },
    });
    await repos.identities.writeLifecycleStates([{ id: identity.id, state: state.technicalName, manual: true }]);
    const changes = accountChanges(identity.accounts, state.accountActions);
    const activities: string[] = [];
    const messages: TaskMessage[] = [
      taskMessage(
        'INFO',
        `Lifecycle state set to '${state.technicalName}' (was ${identity.lifecycleState ? `'${identity.lifecycleState}'` : 'none'}), by hand.`,
      ),
    ];
    for (const [ids, disabled] of [
      [changes.disable, true],
      [changes.enable, false],
    ] as const) {
      if (!ids.length) continue;
      const reason = `Lifecycle state '${state.name}' (${state.technicalName}) set on '${identity.name}': ${disabled ? 'disable' : 'enable'} ${ids.length} account(s)`;
      const done = await setAccountsDisabled(ctx, { accountIds: ids }, disabled, actor, { repos, reason });
      activities.push(done.task.id);
      messages.push(
        taskMessage('INFO', `${ids.length} account(s) ${disabled ? 'disabled' : 'enabled'} (task ${done.task.id}).`),
      );
    }
    if (changes.skipped)
      messages.push(
        taskMessage(
          'WARN',
          `${changes.skipped} DELETE account action(s) were not carried out: this server deletes no accounts.`,
        ),
      );
    await repos.tasks.complete(task.id, {
      completed: ctx.now(),
      completionStatus: changes.skipped ? 'Warning' : 'Success',
      messages,
      result: {
        identityId: identity.id,
        lifecycleState: state.technicalName,
        previousLifecycleState: identity.lifecycleState ?? null,
        manuallyUpdated: true,
        accountActivityIds: activities,
        disabledAccountIds: changes.disable,
        enabledAccountIds: changes.enable,
      },
    });
    return { accountActivityId: task.id };
  });
}
