import { describe, expect, it } from 'vitest';
import { RIGHTS, rightsOf, type Operation } from './rights.js';

/**
 * The rights table, listed: one line per operation and rights, with the versions that have them
 * (`operation (versions): scopes | user levels`, `-` for none). A change of anyone's rights
 * changes this list; `test/integration/rights.test.ts` checks the routes against SailPoint's documents.
 */
function listing(): string[] {
  const versions = Object.keys(RIGHTS) as Array<keyof typeof RIGHTS>;
  const operations = [...new Set(versions.flatMap((v) => Object.keys(RIGHTS[v]) as Operation[]))];
  return operations.flatMap((operation) => {
    const byRights = new Map<string, string[]>();
    for (const version of versions) {
      const rights = RIGHTS[version][operation];
      if (!rights) continue;
      const text = `${rights.scopes.join(' ')} | ${rights.userLevels.join(' ') || '-'}`;
      byRights.set(text, [...(byRights.get(text) ?? []), version]);
    }
    return [...byRights].map(([text, inVersions]) => `${operation} (${inVersions.join(' ')}): ${text}`);
  });
}

describe('the rights table', () => {
  it("lists every operation's scopes and user levels, per version", () => {
    expect(listing()).toEqual([
      'listIdentityProfiles (v3 beta v2024 v2025 v2026 v1): idn:identity-profile:read | ORG_ADMIN API',
      'createIdentityProfile (v3 beta v2024 v2025 v2026 v1): idn:identity-profile:manage | ORG_ADMIN API',
      'deleteIdentityProfiles (v3 v2024 v2025 v2026 v1): idn:identity-profile:manage | ORG_ADMIN API',
      'deleteIdentityProfiles (beta): idn:identity-profile:delete | ORG_ADMIN API',
      'exportIdentityProfiles (v3 v2024 v2025 v2026 v1): idn:identity-profile:read | -',
      'exportIdentityProfiles (beta): idn:identity-profile:read idn:identity-profile:manage | -',
      'importIdentityProfiles (v3 beta v2024 v2025 v2026 v1): idn:identity-profile:manage | -',
      'identityPreview (v3 beta v2024 v2025 v2026 v1): idn:identity-profile:manage | ORG_ADMIN API',
      'getIdentityProfile (v3 v2024 v2025 v2026 v1): idn:identity-profile:read | ORG_ADMIN API',
      'getIdentityProfile (beta): idn:identity-profile:read idn:identity-profile:manage | ORG_ADMIN API',
      'deleteIdentityProfile (v3 v2024 v2025 v2026 v1): idn:identity-profile:manage | ORG_ADMIN API',
      'deleteIdentityProfile (beta): idn:identity-profile:delete | ORG_ADMIN API',
      'updateIdentityProfile (v3 beta v2024 v2025 v2026 v1): idn:identity-profile:manage | ORG_ADMIN API',
      'getDefaultIdentityAttributeConfig (v3 beta v2024 v2025 v2026 v1): idn:identity-profile:manage | ORG_ADMIN API',
      'syncIdentityProfile (v3 v2024 v2025 v2026 v1): idn:identity-profile:manage | ORG_ADMIN API',
      'syncIdentityProfile (beta): idn:identity-profile:read idn:identity-profile:manage | ORG_ADMIN API',
      'lifecycleStates.list (v3 v2024 v2025 v2026 v1): idn:identity-profile-lifecycle-state:read | ORG_ADMIN',
      'lifecycleStates.create (v3 v2024 v2025 v2026 v1): idn:identity-profile-lifecycle-state:manage | ORG_ADMIN',
      'lifecycleStates.get (v3 v2024 v2025 v2026 v1): idn:identity-profile-lifecycle-state:read | ORG_ADMIN',
      'lifecycleStates.get (beta): sp:scopes:all | -',
      'lifecycleStates.update (v3 v2024 v2025 v2026 v1): idn:identity-profile-lifecycle-state:manage | ORG_ADMIN',
      'lifecycleStates.update (beta): sp:scopes:all | -',
      'lifecycleStates.delete (v3 v2024 v2025 v2026 v1): idn:identity-profile-lifecycle-state:manage | ORG_ADMIN',
      'setLifecycleState (v3 beta v2024 v2025 v2026 v1): idn:identity-lifecycle-state:manage | ORG_ADMIN',
      'startIdentityProcessing (v3 beta v2024 v2025 v2026 v1): idn:identity:process idn:identity:manage | ORG_ADMIN HELPDESK',
      'listSources (v3 beta v2024 v2025 v2026): idn:sources:read idn:sources:manage | ORG_ADMIN API SOURCE_ADMIN SOURCE_SUBADMIN',
      'listSources (v1): idn:sources:read idn:sources:manage | ORG_ADMIN SOURCE_ADMIN SOURCE_SUBADMIN ROLE_SUBADMIN',
      'createSource (v3 beta v2024 v2025 v2026): idn:sources:manage | ORG_ADMIN API SOURCE_ADMIN SOURCE_SUBADMIN',
      'createSource (v1): idn:sources:manage | ORG_ADMIN SOURCE_ADMIN SOURCE_SUBADMIN',
      'getSource (v3 beta v2024 v2025 v2026): idn:sources:read idn:sources:manage | ORG_ADMIN API SOURCE_ADMIN SOURCE_SUBADMIN',
      'getSource (v1): idn:sources:read idn:sources:manage | ORG_ADMIN SOURCE_ADMIN SOURCE_SUBADMIN',
      'updateSource (v3 beta v2024 v2025 v2026): idn:sources:manage | ORG_ADMIN API SOURCE_ADMIN SOURCE_SUBADMIN',
      'updateSource (v1): idn:sources:manage | ORG_ADMIN SOURCE_ADMIN SOURCE_SUBADMIN',
      'deleteSource (v3 beta v2024 v2025 v2026): idn:sources:manage | ORG_ADMIN API SOURCE_ADMIN SOURCE_SUBADMIN',
      'deleteSource (v1): idn:sources:manage | ORG_ADMIN SOURCE_ADMIN SOURCE_SUBADMIN',
      'loadAccounts (v3 beta v2024 v2025 v2026): idn:sources:manage | ORG_ADMIN API SOURCE_ADMIN SOURCE_SUBADMIN',
      'loadAccounts (v1): idn:sources:manage | ORG_ADMIN SOURCE_ADMIN SOURCE_SUBADMIN',
      'listAccounts (v3 beta v2024 v2025 v2026): idn:accounts:read idn:accounts:manage | ORG_ADMIN API SOURCE_ADMIN SOURCE_SUBADMIN',
      'listAccounts (v1): idn:accounts:read idn:accounts:manage | ORG_ADMIN SOURCE_ADMIN SOURCE_SUBADMIN HELPDESK',
      'getAccount (v3 beta v2024 v2025 v2026): idn:accounts:read idn:accounts:manage | ORG_ADMIN API SOURCE_ADMIN SOURCE_SUBADMIN',
      'getAccount (v1): idn:accounts:read idn:accounts:manage | ORG_ADMIN SOURCE_ADMIN SOURCE_SUBADMIN HELPDESK',
      'enableAccount (v3 beta v2024 v2025 v2026): idn:accounts-state:manage | ORG_ADMIN API SOURCE_ADMIN SOURCE_SUBADMIN HELPDESK',
      'enableAccount (v1): idn:accounts-state:manage | ORG_ADMIN SOURCE_ADMIN SOURCE_SUBADMIN HELPDESK',
      'disableAccount (v3 beta v2024 v2025 v2026): idn:accounts-state:manage | ORG_ADMIN API SOURCE_ADMIN SOURCE_SUBADMIN HELPDESK',
      'disableAccount (v1): idn:accounts-state:manage | ORG_ADMIN SOURCE_ADMIN SOURCE_SUBADMIN HELPDESK',
      'listIdentities (v3 beta v2024 v2025 v2026): idn:identity:read idn:identity:manage | ORG_ADMIN API HELPDESK',
      'listIdentities (v1): idn:identity:read idn:identity:manage | -',
      'getIdentity (v3 beta v2024 v2025 v2026): idn:identity:read idn:identity:manage | ORG_ADMIN API HELPDESK',
      'getIdentity (v1): idn:identity:read idn:identity:manage | -',
      'listTransforms (v3 beta v2024 v2025 v2026): idn:transform:read idn:transform:manage | ORG_ADMIN API SOURCE_ADMIN SOURCE_SUBADMIN',
      'listTransforms (v1): idn:transform:read idn:transform:manage | ORG_ADMIN',
      'createTransform (v3 beta v2024 v2025 v2026): idn:transform:manage | ORG_ADMIN API SOURCE_ADMIN SOURCE_SUBADMIN',
      'createTransform (v1): idn:transform:manage | ORG_ADMIN',
      'getTransform (v3 beta v2024 v2025 v2026): idn:transform:read idn:transform:manage | ORG_ADMIN API SOURCE_ADMIN SOURCE_SUBADMIN',
      'getTransform (v1): idn:transform:read idn:transform:manage | ORG_ADMIN',
      'updateTransform (v3 beta v2024 v2025 v2026): idn:transform:manage | ORG_ADMIN API SOURCE_ADMIN SOURCE_SUBADMIN',
      'updateTransform (v1): idn:transform:manage | ORG_ADMIN',
      'deleteTransform (v3 beta v2024 v2025 v2026): idn:transform:manage | ORG_ADMIN API SOURCE_ADMIN SOURCE_SUBADMIN',
      'deleteTransform (v1): idn:transform:manage | ORG_ADMIN',
      'listTaskStatus (v3 beta v2024 v2025 v2026): idn:task-management:read idn:identity-profile:read idn:identity-profile:manage | -',
      'listTaskStatus (v1): idn:task-management:read idn:task-management:write | ORG_ADMIN HELPDESK CERT_ADMIN REPORT_ADMIN ROLE_ADMIN ROLE_SUBADMIN SOURCE_ADMIN SOURCE_SUBADMIN',
      'getTaskStatus (v3 beta v2024 v2025 v2026): idn:task-management:read idn:identity-profile:read idn:identity-profile:manage | -',
      'getTaskStatus (v1): idn:task-management:read idn:task-management:write | ORG_ADMIN HELPDESK CERT_ADMIN REPORT_ADMIN ROLE_ADMIN ROLE_SUBADMIN SOURCE_ADMIN SOURCE_SUBADMIN',
    ]);
  });

  it('refuses an operation the table has no rights for, so no route is open by omission', () => {
    expect(rightsOf('beta', 'lifecycleStates.get')).toEqual({ scopes: ['sp:scopes:all'], userLevels: [] });
    expect(() => rightsOf('beta', 'lifecycleStates.list')).toThrow('no rights for lifecycleStates.list in beta');
  });
});
