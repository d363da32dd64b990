import type { VersionPolicy } from '../domain/identity-profiles/policy.js';

/**
 * The API versions, as data: one implementation is mounted once per entry (spec §3, §4).
 * What differs — prefixes, defaults, preview rules, operation ids, rights — is in this table.
 */
export type VersionName = 'v3' | 'beta' | 'v2024' | 'v2025' | 'v2026' | 'v1';

export type ProfileOperation =
  | 'listIdentityProfiles' | 'createIdentityProfile' | 'deleteIdentityProfiles' | 'exportIdentityProfiles'
  | 'importIdentityProfiles' | 'identityPreview' | 'getIdentityProfile' | 'deleteIdentityProfile'
  | 'updateIdentityProfile' | 'getDefaultIdentityAttributeConfig' | 'syncIdentityProfile';

/** What a token needs: any one of `scopes` (or `sp:scopes:all`), and one of `userLevels` when any are listed. */
export interface Rights {
  scopes: readonly string[];
  userLevels: readonly string[];
}

export interface ApiVersion {
  name: VersionName;
  /** Where identity profiles live, e.g. `/v3/identity-profiles`, `/identity-profiles/v1`. */
  profilesPath: string;
  /** The version's path prefix (`/v3`…); undefined for v1. Where the other services are mounted, per layout: `layouts.ts`. */
  prefix?: string;
  policy: VersionPolicy;
  operationIds: Record<ProfileOperation, string>;
  rights: Record<ProfileOperation, Rights>;
}

const READ = 'idn:identity-profile:read';
const MANAGE = 'idn:identity-profile:manage';
const DELETE = 'idn:identity-profile:delete';
const LEVELS = ['ORG_ADMIN', 'API'] as const;
const r = (scopes: string[], userLevels: readonly string[] = LEVELS): Rights => ({ scopes, userLevels });

const STANDARD_RIGHTS: Record<ProfileOperation, Rights> = {
  listIdentityProfiles: r([READ]),
  createIdentityProfile: r([MANAGE]),
  deleteIdentityProfiles: r([MANAGE]),
  exportIdentityProfiles: r([READ], []),
  importIdentityProfiles: r([MANAGE], []),
  identityPreview: r([MANAGE]),
  getIdentityProfile: r([READ]),
  deleteIdentityProfile: r([MANAGE]),
  updateIdentityProfile: r([MANAGE]),
  getDefaultIdentityAttributeConfig: r([MANAGE]),
  syncIdentityProfile: r([MANAGE]),
};

const BETA_RIGHTS: Record<ProfileOperation, Rights> = {
  ...STANDARD_RIGHTS,
  deleteIdentityProfiles: r([DELETE]),
  deleteIdentityProfile: r([DELETE]),
  exportIdentityProfiles: r([READ, MANAGE], []),
  getIdentityProfile: r([READ, MANAGE]),
  syncIdentityProfile: r([READ, MANAGE]),
};

const operationIds = (preview: string, suffix = ''): Record<ProfileOperation, string> => {
  const ids: Record<ProfileOperation, string> = {
    listIdentityProfiles: 'listIdentityProfiles', createIdentityProfile: 'createIdentityProfile',
    deleteIdentityProfiles: 'deleteIdentityProfiles', exportIdentityProfiles: 'exportIdentityProfiles',
    importIdentityProfiles: 'importIdentityProfiles', identityPreview: preview,
    getIdentityProfile: 'getIdentityProfile', deleteIdentityProfile: 'deleteIdentityProfile',
    updateIdentityProfile: 'updateIdentityProfile', getDefaultIdentityAttributeConfig: 'getDefaultIdentityAttributeConfig',
    syncIdentityProfile: 'syncIdentityProfile',
  };
  return Object.fromEntries(Object.entries(ids).map(([k, v]) => [k, v + suffix])) as Record<ProfileOperation, string>;
};

const LEGACY_PREVIEW_TYPES = ['accountAttribute', 'reference', 'rule'] as const;
const STANDARD_POLICY: VersionPolicy = { hasTimeBasedAttrDefault: false, attributeConfigEnabledDefault: false };

export const API_VERSIONS: readonly ApiVersion[] = [
  { name: 'v3', prefix: '/v3', profilesPath: '/v3/identity-profiles', policy: { ...STANDARD_POLICY, previewTopLevelTypes: LEGACY_PREVIEW_TYPES }, operationIds: operationIds('showIdentityPreview'), rights: STANDARD_RIGHTS },
  { name: 'beta', prefix: '/beta', profilesPath: '/beta/identity-profiles', policy: { hasTimeBasedAttrDefault: true, attributeConfigEnabledDefault: true, previewTopLevelTypes: LEGACY_PREVIEW_TYPES }, operationIds: operationIds('showGenerateIdentityPreview'), rights: BETA_RIGHTS },
  { name: 'v2024', prefix: '/v2024', profilesPath: '/v2024/identity-profiles', policy: STANDARD_POLICY, operationIds: operationIds('generateIdentityPreview'), rights: STANDARD_RIGHTS },
  { name: 'v2025', prefix: '/v2025', profilesPath: '/v2025/identity-profiles', policy: STANDARD_POLICY, operationIds: operationIds('generateIdentityPreview'), rights: STANDARD_RIGHTS },
  { name: 'v2026', prefix: '/v2026', profilesPath: '/v2026/identity-profiles', policy: STANDARD_POLICY, operationIds: operationIds('generateIdentityPreview'), rights: STANDARD_RIGHTS },
  { name: 'v1', profilesPath: '/identity-profiles/v1', policy: STANDARD_POLICY, operationIds: operationIds('generateIdentityPreview', 'V1'), rights: STANDARD_RIGHTS },
];

/** The version a URL belongs to (for the per-version rate limit), e.g. `v3`, `identity-profiles-v1`, `sources-v1`. */
export function versionOfUrl(url: string): string {
  const m = /^\/+(v3|beta|v20\d\d|(?:identity-profiles|sources|accounts|identities|transforms|task-status)\/v\d+)(?:[/?]|$)/.exec(url);
  return m ? m[1].replace('/', '-') : 'other';
}
