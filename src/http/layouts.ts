import type { Rights } from './versions.js';

/**
 * Where the supporting services (sources, accounts, identities, transforms, task status) are
 * mounted, as data: once per version prefix (`/v3/sources`, `/beta/accounts`…) and once in the
 * per-service layout of the newest SDKs (`/sources/v1`, `/accounts/v1`…; SailPoint's
 * `per-service/*.v1.yaml`). One implementation per service is mounted per entry; what differs —
 * paths, rights, a source delete's answer, the shapes of answers — is in this table.
 */
export type ServiceOperation =
  | 'listSources' | 'createSource' | 'getSource' | 'updateSource' | 'deleteSource' | 'loadAccounts'
  | 'listAccounts' | 'getAccount' | 'enableAccount' | 'disableAccount'
  | 'listIdentities' | 'getIdentity'
  | 'listTransforms' | 'createTransform' | 'getTransform' | 'updateTransform' | 'deleteTransform'
  | 'listTaskStatus' | 'getTaskStatus';

export interface ServiceLayout {
  /** `v3`, `beta`, `v2024`, `v2025`, `v2026`, or `v1` (the per-service layout). */
  name: string;
  /** Each service's collection path; absent: not served in this layout. */
  paths: {
    sources?: string;
    /** Where `{id}/load-accounts` lives (every version prefix has it, whether or not it serves sources). */
    sourceLoads: string;
    accounts?: string;
    identities?: string;
    transforms?: string;
    taskStatus: string;
  };
  rights: Record<ServiceOperation, Rights>;
  /** `DELETE` of a source: 204 without a body (as served under /v3), or 202 with a task reference (sources.v1). */
  sourceDelete: 'noContent' | 'taskReference';
  /**
   * How answers read: as served under the version prefixes since the start, or as the per-service
   * documents declare them — where those declare a field non-nullable that we send as null, or an
   * enum we spell differently, the newest SDKs' strict models refuse the answer (DEVELOP.md):
   * task status (`type` QUARTZ, `completionStatus` SUCCESS…, target types APPLICATION/IDENTITY),
   * a source without a description and an uncorrelated account leave the field out.
   */
  shapes: 'prefixed' | 'perService';
}

const r = (scopes: string[], userLevels: readonly string[]): Rights => ({ scopes, userLevels });

/** What the version-prefixed routes have declared since they were added (unchanged here). */
const PREFIX_LEVELS = ['ORG_ADMIN', 'API', 'SOURCE_ADMIN', 'SOURCE_SUBADMIN'];
const PREFIXED_RIGHTS: Record<ServiceOperation, Rights> = {
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
const TASK_READERS = ['ORG_ADMIN', 'HELPDESK', 'CERT_ADMIN', 'REPORT_ADMIN', 'ROLE_ADMIN', 'ROLE_SUBADMIN', 'SOURCE_ADMIN', 'SOURCE_SUBADMIN'];
/**
 * Exactly what the per-service documents declare (`test/integration/rights.test.ts` compares).
 * One reading: `disableAccountV1` spells its levels `x-sailpont-userLevels`, so by the letter it
 * declares none; it takes enable's, which is what the typo meant.
 */
const PER_SERVICE_RIGHTS: Record<ServiceOperation, Rights> = {
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

const prefixed = (name: string, serves: { sources?: boolean; identities?: boolean }): ServiceLayout => ({
  name,
  paths: {
    ...(serves.sources ? { sources: `/${name}/sources` } : {}),
    sourceLoads: `/${name}/sources`,
    accounts: `/${name}/accounts`,
    ...(serves.identities ? { identities: `/${name}/identities` } : {}),
    transforms: `/${name}/transforms`,
    taskStatus: `/${name}/task-status`,
  },
  rights: PREFIXED_RIGHTS,
  sourceDelete: 'noContent',
  shapes: 'prefixed',
});

export const SERVICE_LAYOUTS: readonly ServiceLayout[] = [
  prefixed('v3', { sources: true }),
  prefixed('beta', { identities: true }),
  prefixed('v2024', { identities: true }),
  prefixed('v2025', { identities: true }),
  prefixed('v2026', { identities: true }),
  {
    name: 'v1',
    paths: {
      sources: '/sources/v1', sourceLoads: '/sources/v1', accounts: '/accounts/v1',
      identities: '/identities/v1', transforms: '/transforms/v1', taskStatus: '/task-status/v1',
    },
    rights: PER_SERVICE_RIGHTS,
    sourceDelete: 'taskReference',
    shapes: 'perService',
  },
];

/** The layout a version's identity profiles belong to (for the links their answers hand out). */
export function layoutOf(version: string): ServiceLayout {
  const layout = SERVICE_LAYOUTS.find((l) => l.name === version);
  if (!layout) throw new Error(`no service layout named ${version}`);
  return layout;
}
