import { AppError } from '../../errors.js';
import type { Repositories } from '../context.js';
import type { AccountAction, EmailNotificationOption, LifecycleState } from './model.js';
import type { LifecycleStateInput } from './schema.js';

type ActionInput = NonNullable<LifecycleStateInput['accountActions']>[number];

/**
 * Account actions as stored, after the rules the documents state (v2025's AccountAction):
 * `sourceIds` is required unless `allSources`, must not be given with it, and `excludeSourceIds`
 * only narrows `allSources`. An action naming no source at all is refused too: it would do nothing.
 */
export function normalizeActions(actions: readonly ActionInput[] | undefined): AccountAction[] {
  return (actions ?? []).map((a, i) => {
    const all = a.allSources === true;
    const where = `accountActions/${i} (${a.action})`;
    if (all && a.sourceIds)
      throw new AppError(
        'invalid_account_action',
        `${where}: sourceIds must not be given with allSources: true; use excludeSourceIds to leave sources out.`,
      );
    if (!all && !a.sourceIds?.length)
      throw new AppError('invalid_account_action', `${where}: name the sources in sourceIds, or set allSources: true.`);
    if (!all && a.excludeSourceIds?.length)
      throw new AppError('invalid_account_action', `${where}: excludeSourceIds only applies with allSources: true.`);
    return {
      action: a.action,
      sourceIds: all ? null : [...a.sourceIds!],
      excludeSourceIds: all ? [...(a.excludeSourceIds ?? [])] : null,
      allSources: all,
    };
  });
}

/**
 * Every source an action names must exist (ISC: "The sources must have the ENABLE feature or flat
 * file source" — it checks them; all of ours are flat files). A source deleted later stays named:
 * its accounts are gone with it, so the action finds none there.
 */
export async function assertSourcesExist(repos: Repositories, actions: readonly AccountAction[]): Promise<void> {
  const missing: string[] = [];
  for (const [i, a] of actions.entries()) {
    for (const id of [...(a.sourceIds ?? []), ...(a.excludeSourceIds ?? [])]) {
      if (!(await repos.sources.findById(id)))
        missing.push(`accountActions/${i} (${a.action}) names source '${id}', which does not exist`);
    }
  }
  if (missing.length) throw new AppError('invalid_account_action', `${missing[0]}.`, missing);
}

export const emailOption = (o: LifecycleStateInput['emailNotificationOption']): EmailNotificationOption => ({
  notifyManagers: o?.notifyManagers ?? false,
  notifyAllAdmins: o?.notifyAllAdmins ?? false,
  notifySpecificUsers: o?.notifySpecificUsers ?? false,
  emailAddressList: [...(o?.emailAddressList ?? [])],
});

/** A new state from create input (fields a version does not know take their defaults). */
export function newState(input: LifecycleStateInput, profileId: string, id: string, now: string): LifecycleState {
  return {
    id,
    profileId,
    name: input.name.trim(),
    technicalName: input.technicalName,
    enabled: input.enabled ?? false,
    description: input.description ?? null,
    identityState: input.identityState ?? null,
    priority: input.priority ?? null,
    emailNotificationOption: emailOption(input.emailNotificationOption),
    accountActions: normalizeActions(input.accountActions),
    accessProfileIds: [...(input.accessProfileIds ?? [])],
    accessActionConfiguration: {
      removeAllAccessEnabled: input.accessActionConfiguration?.removeAllAccessEnabled ?? false,
    },
    created: now,
    modified: now,
  };
}

/**
 * The states every new identity profile gets (ISC's "Active" and "Inactive", technical names
 * `active` and `inactive` as ISC's own profiles store them; disabled, as ISC creates them, until an
 * administrator enables them; priorities 10 and 20, ISC's "increments of 10").
 */
export function defaultStates(profileId: string, newId: () => string, now: string): LifecycleState[] {
  return [
    newState({ name: 'Active', technicalName: 'active', description: null }, profileId, newId(), now),
    newState({ name: 'Inactive', technicalName: 'inactive', description: null }, profileId, newId(), now),
  ].map((s, i) => ({ ...s, priority: (i + 1) * 10 }));
}
