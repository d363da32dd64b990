import type { VersionPolicy } from '../domain/identity-profiles/policy.js';
import { LIFECYCLE_STATE_POLICIES, type LifecycleStatePolicy } from '../domain/lifecycle-states/policy.js';

/**
 * The API versions, as data: one implementation is mounted once per entry (spec §3, §4).
 * What differs — prefixes, defaults, preview rules, operation ids — is in this table; the rights
 * of each version's operations are in `rights.ts`.
 */
export type VersionName = 'v3' | 'beta' | 'v2024' | 'v2025' | 'v2026' | 'v1';

export type ProfileOperation =
  | 'listIdentityProfiles'
  | 'createIdentityProfile'
  | 'deleteIdentityProfiles'
  | 'exportIdentityProfiles'
  | 'importIdentityProfiles'
  | 'identityPreview'
  | 'getIdentityProfile'
  | 'deleteIdentityProfile'
  | 'updateIdentityProfile'
  | 'getDefaultIdentityAttributeConfig'
  | 'syncIdentityProfile';

export interface ApiVersion {
  name: VersionName;
  /** Where identity profiles live, e.g. `/v3/identity-profiles`, `/identity-profiles/v1`. */
  profilesPath: string;
  /** The version's path prefix (`/v3`…); undefined for v1. Where the other services are mounted, per layout: `layouts.ts`. */
  prefix?: string;
  policy: VersionPolicy;
  operationIds: Record<ProfileOperation, string>;
  /** Lifecycle states under `{profilesPath}/:id/lifecycle-states` (spec §3b). */
  lifecycleStates: LifecycleStatesVersion;
}

/** Our names for the lifecycle-state operations (the documents' ids are in `LifecycleStatesVersion`). */
export type LifecycleStateOperation = 'list' | 'create' | 'get' | 'update' | 'delete';

export interface LifecycleStatesVersion {
  policy: LifecycleStatePolicy;
  /** The operations the version's document declares, with its operation id; absent = not served. */
  operations: Partial<Record<LifecycleStateOperation, { operationId: string }>>;
}

const operationIds = (preview: string, suffix = ''): Record<ProfileOperation, string> => {
  const ids: Record<ProfileOperation, string> = {
    listIdentityProfiles: 'listIdentityProfiles',
    createIdentityProfile: 'createIdentityProfile',
    deleteIdentityProfiles: 'deleteIdentityProfiles',
    exportIdentityProfiles: 'exportIdentityProfiles',
    importIdentityProfiles: 'importIdentityProfiles',
    identityPreview: preview,
    getIdentityProfile: 'getIdentityProfile',
    deleteIdentityProfile: 'deleteIdentityProfile',
    updateIdentityProfile: 'updateIdentityProfile',
    getDefaultIdentityAttributeConfig: 'getDefaultIdentityAttributeConfig',
    syncIdentityProfile: 'syncIdentityProfile',
  };
  return Object.fromEntries(Object.entries(ids).map(([k, v]) => [k, v + suffix])) as Record<ProfileOperation, string>;
};

/** v3, v2024, v2025, v2026 and v1 declare all five; v1's ids end in V1. */
const lifecycleStates = (policy: LifecycleStatePolicy, suffix = ''): LifecycleStatesVersion => ({
  policy,
  operations: {
    list: { operationId: `getLifecycleStates${suffix}` },
    create: { operationId: `createLifecycleState${suffix}` },
    get: { operationId: `getLifecycleState${suffix}` },
    update: { operationId: `updateLifecycleStates${suffix}` },
    delete: { operationId: `deleteLifecycleState${suffix}` },
  },
});

/** Beta declares only GET (its id is `getLifecycleStates`) and PATCH by id. */
const BETA_LIFECYCLE_STATES: LifecycleStatesVersion = {
  policy: LIFECYCLE_STATE_POLICIES.beta,
  operations: {
    get: { operationId: 'getLifecycleStates' },
    update: { operationId: 'updateLifecycleStates' },
  },
};

const LEGACY_PREVIEW_TYPES = ['accountAttribute', 'reference', 'rule'] as const;
const STANDARD_POLICY: VersionPolicy = { hasTimeBasedAttrDefault: false, attributeConfigEnabledDefault: false };

export const API_VERSIONS: readonly ApiVersion[] = [
  {
    name: 'v3',
    prefix: '/v3',
    profilesPath: '/v3/identity-profiles',
    policy: { ...STANDARD_POLICY, previewTopLevelTypes: LEGACY_PREVIEW_TYPES },
    operationIds: operationIds('showIdentityPreview'),
    lifecycleStates: lifecycleStates(LIFECYCLE_STATE_POLICIES.v3),
  },
  {
    name: 'beta',
    prefix: '/beta',
    profilesPath: '/beta/identity-profiles',
    policy: {
      hasTimeBasedAttrDefault: true,
      attributeConfigEnabledDefault: true,
      previewTopLevelTypes: LEGACY_PREVIEW_TYPES,
    },
    operationIds: operationIds('showGenerateIdentityPreview'),
    lifecycleStates: BETA_LIFECYCLE_STATES,
  },
  {
    name: 'v2024',
    prefix: '/v2024',
    profilesPath: '/v2024/identity-profiles',
    policy: STANDARD_POLICY,
    operationIds: operationIds('generateIdentityPreview'),
    lifecycleStates: lifecycleStates(LIFECYCLE_STATE_POLICIES.v2024),
  },
  {
    name: 'v2025',
    prefix: '/v2025',
    profilesPath: '/v2025/identity-profiles',
    policy: STANDARD_POLICY,
    operationIds: operationIds('generateIdentityPreview'),
    lifecycleStates: lifecycleStates(LIFECYCLE_STATE_POLICIES.current),
  },
  {
    name: 'v2026',
    prefix: '/v2026',
    profilesPath: '/v2026/identity-profiles',
    policy: STANDARD_POLICY,
    operationIds: operationIds('generateIdentityPreview'),
    lifecycleStates: lifecycleStates(LIFECYCLE_STATE_POLICIES.current),
  },
  {
    name: 'v1',
    profilesPath: '/identity-profiles/v1',
    policy: STANDARD_POLICY,
    operationIds: operationIds('generateIdentityPreview', 'V1'),
    lifecycleStates: lifecycleStates(LIFECYCLE_STATE_POLICIES.current, 'V1'),
  },
];

/** The version a URL belongs to (for the per-version rate limit), e.g. `v3`, `identity-profiles-v1`, `sources-v1`. */
export function versionOfUrl(url: string): string {
  const m =
    /^\/+(v3|beta|v20\d\d|(?:identity-profiles|sources|accounts|identities|transforms|task-status)\/v\d+)(?:[/?]|$)/.exec(
      url,
    );
  return m ? m[1].replace('/', '-') : 'other';
}

/**
 * The identity operations of issue 15 per version (`identities-lifecycle.<version>.yaml`,
 * `per-service/identities.v1.yaml`, `per-service/lifecycle-states.v1.yaml`): where identities live,
 * and the operation id of `set-lifecycle-state` and of `POST /identities/process` where the
 * version's document has them (v3 has no process, beta no set-lifecycle-state).
 */
export interface IdentityLifecycleOperations {
  identitiesPath: string;
  setLifecycleState?: string;
  startIdentityProcessing?: string;
}

export const IDENTITY_LIFECYCLE: Readonly<Record<VersionName, IdentityLifecycleOperations>> = {
  v3: { identitiesPath: '/v3/identities', setLifecycleState: 'setLifecycleState' },
  beta: { identitiesPath: '/beta/identities', startIdentityProcessing: 'startIdentityProcessing' },
  v2024: {
    identitiesPath: '/v2024/identities',
    setLifecycleState: 'setLifecycleState',
    startIdentityProcessing: 'startIdentityProcessing',
  },
  v2025: {
    identitiesPath: '/v2025/identities',
    setLifecycleState: 'setLifecycleState',
    startIdentityProcessing: 'startIdentityProcessing',
  },
  v2026: {
    identitiesPath: '/v2026/identities',
    setLifecycleState: 'setLifecycleState',
    startIdentityProcessing: 'startIdentityProcessing',
  },
  v1: {
    identitiesPath: '/identities/v1',
    setLifecycleState: 'setLifecycleStateV1',
    startIdentityProcessing: 'startIdentityProcessingV1',
  },
};
