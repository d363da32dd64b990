import type { AccountAction, LifecycleStateWithCount } from './model.js';
import type { LifecycleStatePolicy } from './policy.js';

/** The API fields every shape shows (the others are added per shape below). */
const COMMON_FIELDS = [
  'id',
  'name',
  'technicalName',
  'created',
  'modified',
  'enabled',
  'description',
  'identityCount',
  'emailNotificationOption',
  'accountActions',
  'accessProfileIds',
] as const;

/** The fields of a version's representation: what a PATCH may name at all. */
export function fieldsOf(policy: LifecycleStatePolicy): ReadonlySet<string> {
  const extra =
    policy.shape === 'beta'
      ? []
      : policy.shape === 'classic'
        ? ['identityState']
        : ['identityState', 'accessActionConfiguration', 'priority'];
  return new Set([...COMMON_FIELDS, ...extra]);
}

/** An account action as a shape shows it: `classic` knows only the listed sources. */
function actionView(a: AccountAction, policy: LifecycleStatePolicy): Record<string, unknown> {
  if (policy.shape === 'classic')
    return a.sourceIds ? { action: a.action, sourceIds: a.sourceIds } : { action: a.action };
  return {
    action: a.action,
    sourceIds: a.sourceIds ?? null,
    excludeSourceIds: a.excludeSourceIds ?? null,
    allSources: a.allSources ?? false,
  };
}

/** The state as a version shows it (its response schema then serializes exactly these fields). */
export function present(s: LifecycleStateWithCount, policy: LifecycleStatePolicy): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: s.id,
    name: s.name,
    technicalName: s.technicalName,
    created: s.created,
    modified: s.modified,
    enabled: s.enabled,
  };
  if (s.description !== null || policy.descriptionNullable) out.description = s.description;
  out.identityCount = s.identityCount;
  out.emailNotificationOption = s.emailNotificationOption;
  out.accountActions = s.accountActions.map((a) => actionView(a, policy));
  out.accessProfileIds = s.accessProfileIds;
  if (policy.shape !== 'beta') out.identityState = s.identityState;
  if (policy.shape === 'current') {
    out.accessActionConfiguration = s.accessActionConfiguration;
    out.priority = s.priority;
  }
  return out;
}
