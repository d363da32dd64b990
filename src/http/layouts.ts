import type { VersionName } from './versions.js';

/**
 * Where the supporting services (sources, accounts, identities, transforms, task status) are
 * mounted, as data: once per version prefix (`/v3/sources`, `/beta/accounts`…) and once in the
 * per-service layout of the newest SDKs (`/sources/v1`, `/accounts/v1`…; SailPoint's
 * `per-service/*.v1.yaml`). One implementation per service is mounted per entry; what differs —
 * paths, a source delete's answer, the shapes of answers — is in this table (rights: `rights.ts`).
 */
export type ServiceOperation =
  | 'listSources'
  | 'createSource'
  | 'getSource'
  | 'updateSource'
  | 'deleteSource'
  | 'loadAccounts'
  | 'listAccounts'
  | 'getAccount'
  | 'enableAccount'
  | 'disableAccount'
  | 'listIdentities'
  | 'getIdentity'
  | 'listTransforms'
  | 'createTransform'
  | 'getTransform'
  | 'updateTransform'
  | 'deleteTransform'
  | 'listTaskStatus'
  | 'getTaskStatus';

export interface ServiceLayout {
  /** `v3`, `beta`, `v2024`, `v2025`, `v2026`, or `v1` (the per-service layout). */
  name: VersionName;
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

const prefixed = (name: VersionName, serves: { sources?: boolean; identities?: boolean }): ServiceLayout => ({
  name,
  paths: {
    ...(serves.sources ? { sources: `/${name}/sources` } : {}),
    sourceLoads: `/${name}/sources`,
    accounts: `/${name}/accounts`,
    ...(serves.identities ? { identities: `/${name}/identities` } : {}),
    transforms: `/${name}/transforms`,
    taskStatus: `/${name}/task-status`,
  },
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
      sources: '/sources/v1',
      sourceLoads: '/sources/v1',
      accounts: '/accounts/v1',
      identities: '/identities/v1',
      transforms: '/transforms/v1',
      taskStatus: '/task-status/v1',
    },
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
