/**
 * A lifecycle state as stored: the union of what every API version carries (v2025's shape, the
 * newest). Each version's schema shows its own part of it (schema.ts); fields a version does not
 * know keep their stored values when that version writes.
 */
export type AccountActionType = 'ENABLE' | 'DISABLE' | 'DELETE';
export type IdentityStateValue = 'ACTIVE' | 'INACTIVE_SHORT_TERM' | 'INACTIVE_LONG_TERM';

export interface AccountAction {
  action: AccountActionType;
  /** The sources whose accounts the action applies to (null/absent with `allSources`). */
  sourceIds?: string[] | null;
  /** With `allSources`: the sources left out (v2025+). */
  excludeSourceIds?: string[] | null;
  /** Every source of the identity's accounts (v2025+). */
  allSources?: boolean;
}

export interface EmailNotificationOption {
  notifyManagers: boolean;
  notifyAllAdmins: boolean;
  notifySpecificUsers: boolean;
  emailAddressList: string[];
}

export interface AccessActionConfiguration {
  removeAllAccessEnabled: boolean;
}

export interface LifecycleState {
  id: string;
  /** The identity profile it belongs to (not part of ISC's shape: it is in the path). */
  profileId: string;
  name: string;
  /** Unique within the profile whatever its case; never changes. The value `cloudLifecycleState` maps to. */
  technicalName: string;
  enabled: boolean;
  description: string | null;
  /** Free text up to v2024 (documented as "generally null"); an enum from v2025. */
  identityState: string | null;
  priority: number | null;
  emailNotificationOption: EmailNotificationOption;
  accountActions: AccountAction[];
  accessProfileIds: string[];
  accessActionConfiguration: AccessActionConfiguration;
  created: string;
  modified: string;
}

/** A state as read for the API: with the number of its profile's identities in it. */
export interface LifecycleStateWithCount extends LifecycleState {
  identityCount: number;
}
