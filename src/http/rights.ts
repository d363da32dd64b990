import type { ServiceOperation } from './layouts.js';
import type { LifecycleStateOperation, ProfileOperation, VersionName } from './versions.js';

/**
 * Every route's rights, in one table: what a token needs to call an operation in an API version.
 * Routes read their entry with `rightsOf` and declare it (`config.rights`); `plugins/auth.ts`
 * enforces it. An entry says what the version's route needs *if* the version serves the
 * operation; which it serves, and where, is in `versions.ts` and `layouts.ts`.
 *
 * The entries are what SailPoint's documents declare for each version (decision 4; the
 * integration tests `rights.test.ts` and `lifecycle/rights.test.ts` compare route by route), but
 * for the version-prefixed supporting services, which keep what they have declared since they
 * were added. `rights.test.ts` beside this file lists the whole table.
 */

/** What a token needs: any one of `scopes` (or `sp:scopes:all`), and one of `userLevels` when any are listed. */
export interface Rights {
  scopes: readonly string[];
  userLevels: readonly string[];
}

/** Every operation a route serves, by our name for it (lifecycle states' under `lifecycleStates.`). */
export type Operation =
  | ProfileOperation
  | `lifecycleStates.${LifecycleStateOperation}`
  | 'setLifecycleState'
  | 'startIdentityProcessing'
  | ServiceOperation;

const r = (scopes: string[], userLevels: readonly string[]): Rights => ({ scopes, userLevels });

// Identity profiles (identity-profiles.<version>.yaml)
const READ = 'idn:identity-profile:read';
const MANAGE = 'idn:identity-profile:manage';
const DELETE = 'idn:identity-profile:delete';
const ADMIN_OR_API = ['ORG_ADMIN', 'API'];

const PROFILES: Record<ProfileOperation, Rights> = {
  listIdentityProfiles: r([READ], ADMIN_OR_API),
  createIdentityProfile: r([MANAGE], ADMIN_OR_API),
  deleteIdentityProfiles: r([MANAGE], ADMIN_OR_API),
  exportIdentityProfiles: r([READ], []),
  importIdentityProfiles: r([MANAGE], []),
  identityPreview: r([MANAGE], ADMIN_OR_API),
  getIdentityProfile: r([READ], ADMIN_OR_API),
  deleteIdentityProfile: r([MANAGE], ADMIN_OR_API),
  updateIdentityProfile: r([MANAGE], ADMIN_OR_API),
  getDefaultIdentityAttributeConfig: r([MANAGE], ADMIN_OR_API),
  syncIdentityProfile: r([MANAGE], ADMIN_OR_API),
};

/** Beta deletes with its own scope, and lets manage read. */
const BETA_PROFILES: Record<ProfileOperation, Rights> = {
  ...PROFILES,
  deleteIdentityProfiles: r([DELETE], ADMIN_OR_API),
  deleteIdentityProfile: r([DELETE], ADMIN_OR_API),
  exportIdentityProfiles: r([READ, MANAGE], []),
  getIdentityProfile: r([READ, MANAGE], ADMIN_OR_API),
  syncIdentityProfile: r([READ, MANAGE], ADMIN_OR_API),
};

// Lifecycle states (identity-profiles.<version>.yaml, per-service/lifecycle-states.v1.yaml)
const STATE_READ = 'idn:identity-profile-lifecycle-state:read';
const STATE_MANAGE = 'idn:identity-profile-lifecycle-state:manage';

const LIFECYCLE_STATES: Record<`lifecycleStates.${LifecycleStateOperation}`, Rights> = {
  'lifecycleStates.list': r([STATE_READ], ['ORG_ADMIN']),
  'lifecycleStates.create': r([STATE_MANAGE], ['ORG_ADMIN']),
  'lifecycleStates.get': r([STATE_READ], ['ORG_ADMIN']),
  'lifecycleStates.update': r([STATE_MANAGE], ['ORG_ADMIN']),
  'lifecycleStates.delete': r([STATE_MANAGE], ['ORG_ADMIN']),
};

/** Beta's two operations declare no security of their own: the document's global `sp:scopes:all`, no user level. */
const BETA_LIFECYCLE_STATES: Partial<typeof LIFECYCLE_STATES> = {
  'lifecycleStates.get': r(['sp:scopes:all'], []),
  'lifecycleStates.update': r(['sp:scopes:all'], []),
};

/** set-lifecycle-state and POST /identities/process, as every version's document declares them (identities-lifecycle.<version>.yaml). */
const IDENTITY_LIFECYCLE: Record<'setLifecycleState' | 'startIdentityProcessing', Rights> = {
  setLifecycleState: r(['idn:identity-lifecycle-state:manage'], ['ORG_ADMIN']),
  startIdentityProcessing: r(['idn:identity:process', 'idn:identity:manage'], ['ORG_ADMIN', 'HELPDESK']),
};

// The supporting services under the version prefixes (/v3/sources…): what they have declared since they were added
const PREFIX_LEVELS = ['ORG_ADMIN', 'API', 'SOURCE_ADMIN', 'SOURCE_SUBADMIN'];
const PREFIXED_SERVICES: Record<ServiceOperation, Rights> = {
  listSources: r(['idn:sources:read', 'idn:sources:manage'], PREFIX_LEVELS),
  createSource: r(['idn:sources:manage'], PREFIX_LEVELS),
  getSource: r(['idn:sources:read', 'idn:sources:manage'], PREFIX_LEVELS),
  updateSource: r(['idn:sources:manage'], PREFIX_LEVELS),
  deleteSource: r(['idn:sources:manage'], PREFIX_LEVELS),
  loadAccounts: r(['idn:sources:manage'], PREFIX_LEVELS),
  listAccounts: r(['idn:accounts:read', 'idn:accounts:manage'], PREFIX_LEVELS),
  getAccount: r(['idn:accounts:read', 'idn:accounts:manage'], PREFIX_LEVELS),
  enableAccount: r(['idn:accounts-state:manage'], [...PREFIX_LEVELS, 'HELPDESK']),
  disableAccount: r(['idn:accounts-state:manage'], [...PREFIX_LEVELS, 'HELPDESK']),
  listIdentities: r(['idn:identity:read', 'idn:identity:manage'], ['ORG_ADMIN', 'API', 'HELPDESK']),
  getIdentity: r(['idn:identity:read', 'idn:identity:manage'], ['ORG_ADMIN', 'API', 'HELPDESK']),
  listTransforms: r(['idn:transform:read', 'idn:transform:manage'], PREFIX_LEVELS),
  createTransform: r(['idn:transform:manage'], PREFIX_LEVELS),
  getTransform: r(['idn:transform:read', 'idn:transform:manage'], PREFIX_LEVELS),
  updateTransform: r(['idn:transform:manage'], PREFIX_LEVELS),
  deleteTransform: r(['idn:transform:manage'], PREFIX_LEVELS),
  listTaskStatus: r(['idn:task-management:read', 'idn:identity-profile:read', 'idn:identity-profile:manage'], []),
  getTaskStatus: r(['idn:task-management:read', 'idn:identity-profile:read', 'idn:identity-profile:manage'], []),
};

const SOURCE_ADMINS = ['ORG_ADMIN', 'SOURCE_ADMIN', 'SOURCE_SUBADMIN'];
const TASK_READERS = [
  'ORG_ADMIN',
  'HELPDESK',
  'CERT_ADMIN',
  'REPORT_ADMIN',
  'ROLE_ADMIN',
  'ROLE_SUBADMIN',
  'SOURCE_ADMIN',
  'SOURCE_SUBADMIN',
];
/**
 * The per-service layout (/sources/v1…): exactly what its documents declare. One reading:
 * `disableAccountV1` spells its levels `x-sailpont-userLevels`, so by the letter it declares
 * none; it takes enable's, which is what the typo meant.
 */
const PER_SERVICE: Record<ServiceOperation, Rights> = {
  listSources: r(['idn:sources:read', 'idn:sources:manage'], [...SOURCE_ADMINS, 'ROLE_SUBADMIN']),
  createSource: r(['idn:sources:manage'], SOURCE_ADMINS),
  getSource: r(['idn:sources:read', 'idn:sources:manage'], SOURCE_ADMINS),
  updateSource: r(['idn:sources:manage'], SOURCE_ADMINS),
  deleteSource: r(['idn:sources:manage'], SOURCE_ADMINS),
  loadAccounts: r(['idn:sources:manage'], SOURCE_ADMINS),
  listAccounts: r(['idn:accounts:read', 'idn:accounts:manage'], [...SOURCE_ADMINS, 'HELPDESK']),
  getAccount: r(['idn:accounts:read', 'idn:accounts:manage'], [...SOURCE_ADMINS, 'HELPDESK']),
  enableAccount: r(['idn:accounts-state:manage'], [...SOURCE_ADMINS, 'HELPDESK']),
  disableAccount: r(['idn:accounts-state:manage'], [...SOURCE_ADMINS, 'HELPDESK']),
  listIdentities: r(['idn:identity:read', 'idn:identity:manage'], []),
  getIdentity: r(['idn:identity:read', 'idn:identity:manage'], []),
  listTransforms: r(['idn:transform:read', 'idn:transform:manage'], ['ORG_ADMIN']),
  createTransform: r(['idn:transform:manage'], ['ORG_ADMIN']),
  getTransform: r(['idn:transform:read', 'idn:transform:manage'], ['ORG_ADMIN']),
  updateTransform: r(['idn:transform:manage'], ['ORG_ADMIN']),
  deleteTransform: r(['idn:transform:manage'], ['ORG_ADMIN']),
  listTaskStatus: r(['idn:task-management:read', 'idn:task-management:write'], TASK_READERS),
  getTaskStatus: r(['idn:task-management:read', 'idn:task-management:write'], TASK_READERS),
};

const PREFIXED_VERSION = { ...PROFILES, ...LIFECYCLE_STATES, ...IDENTITY_LIFECYCLE, ...PREFIXED_SERVICES };

/** The table: per version, per operation. v1 is the per-service layout (`/identity-profiles/v1`, `/sources/v1`…). */
export const RIGHTS: Readonly<Record<VersionName, Readonly<Partial<Record<Operation, Rights>>>>> = {
  v3: PREFIXED_VERSION,
  beta: { ...BETA_PROFILES, ...BETA_LIFECYCLE_STATES, ...IDENTITY_LIFECYCLE, ...PREFIXED_SERVICES },
  v2024: PREFIXED_VERSION,
  v2025: PREFIXED_VERSION,
  v2026: PREFIXED_VERSION,
  v1: { ...PROFILES, ...LIFECYCLE_STATES, ...IDENTITY_LIFECYCLE, ...PER_SERVICE },
};

/** The rights of an operation in a version, e.g. `rightsOf('beta', 'deleteIdentityProfile')`; throws when the table has none (a route must not be open by omission). */
export function rightsOf(version: VersionName, operation: Operation): Rights {
  const rights = RIGHTS[version][operation];
  if (!rights) throw new Error(`no rights for ${operation} in ${version}: add them to http/rights.ts`);
  return rights;
}
