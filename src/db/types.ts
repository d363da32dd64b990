import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Row types (camelCase through CamelCasePlugin). API shapes live in domain schemas; repositories map. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T = unknown> = ColumnType<T, string, string>;

export interface ApiClientsTable {
  id: string;
  tenantId: Generated<string>;
  name: string;
  secretHash: string;
  authorities: string[];
  scopes: string[];
  created: Timestamp;
  revokedAt: Date | null;
}

export interface SettingsTable {
  key: string;
  value: Json;
}

export interface SourcesTable {
  id: string;
  tenantId: Generated<string>;
  name: string;
  description: string | null;
  ownerType: string | null;
  ownerId: string | null;
  ownerName: string | null;
  connector: string;
  type: string;
  managerCorrelationMapping: Json | null;
  accountIdColumn: Generated<string>;
  accountNameColumn: Generated<string>;
  accountAttributeNames: Generated<string[]>;
  deleteThreshold: Generated<number>;
  created: Timestamp;
  modified: Timestamp;
}

export interface IdentityProfilesTable {
  id: string;
  tenantId: Generated<string>;
  name: string;
  description: string | null;
  ownerType: string | null;
  ownerId: string | null;
  ownerName: string | null;
  priority: number;
  authoritativeSourceId: string;
  identityAttributeConfig: Json;
  identityExceptionReportReference: Json | null;
  hasTimeBasedAttr: boolean;
  identityRefreshRequired: boolean;
  identityCount: number;
  lastProcessed: Generated<Date | null>;
  created: Timestamp;
  modified: Timestamp;
  /** The API JSON's stored parts (db/repositories/identity-profile-json.ts). */
  jsonHead: string;
  jsonTail: string;
}

export interface TasksTable {
  id: string;
  tenantId: Generated<string>;
  type: string;
  name: string;
  description: string;
  launcher: string;
  target: Json | null;
  launched: Timestamp;
  completed: Date | null;
  completionStatus: string | null;
  progress: Json | null;
  messages: Json;
  result: Json | null;
  modified: Timestamp;
}

export interface AuditLogTable {
  id: Generated<string>;
  tenantId: Generated<string>;
  entityType: string;
  entityId: string;
  action: string;
  actor: string;
  at: Timestamp;
  detail: Json | null;
}

export interface TransformsTable {
  id: string;
  tenantId: Generated<string>;
  name: string;
  type: string;
  attributes: Json | null;
  internal: boolean;
  created: Timestamp;
  modified: Timestamp;
}

export interface DB {
  apiClients: ApiClientsTable;
  settings: SettingsTable;
  sources: SourcesTable;
  identityProfiles: IdentityProfilesTable;
  tasks: TasksTable;
  auditLog: AuditLogTable;
  transforms: TransformsTable;
  accounts: AccountsTable;
  identities: IdentitiesTable;
  identityState: IdentityStateTable;
  taskChunks: TaskChunksTable;
  accountLoadRows: AccountLoadRowsTable;
  lifecycleStates: LifecycleStatesTable;
}

export type IdentityProfileRow = Selectable<IdentityProfilesTable>;
export type NewIdentityProfileRow = Insertable<IdentityProfilesTable>;
export type IdentityProfileRowUpdate = Updateable<IdentityProfilesTable>;
export type SourceRow = Selectable<SourcesTable>;
export type TaskRow = Selectable<TasksTable>;
export type ApiClientRow = Selectable<ApiClientsTable>;
export type TransformRow = Selectable<TransformsTable>;

export interface AccountsTable {
  id: string;
  tenantId: Generated<string>;
  sourceId: string;
  nativeIdentity: string;
  name: string;
  attributes: Json<Record<string, unknown>>;
  identityId: string | null;
  disabled: Generated<boolean>;
  created: Timestamp;
  modified: Timestamp;
}

export interface IdentitiesTable {
  id: string;
  tenantId: Generated<string>;
  name: string;
  profileId: string | null;
  /** The technical name of the identity's lifecycle state as the state stores it; null = none (migration 0012). */
  lifecycleState: Generated<string | null>;
  /** Set by set-lifecycle-state rather than computed by processing. */
  lifecycleStateManual: Generated<boolean>;
  created: Timestamp;
  modified: Timestamp;
}

/** What processing computed for an identity (migration 0006); no row until it first did. */
export interface IdentityStateTable {
  identityId: string;
  attributes: Json<Record<string, unknown>>;
  managerId: string | null;
  processingState: string | null;
  inputFingerprint: string | null;
  managerKeys: string[] | null;
  lastRefresh: Date | null;
  modified: Timestamp;
}

export interface TaskChunksTable {
  taskId: string;
  phase: string;
  chunkNo: number;
  firstId: string | null;
  lastId: string | null;
  done: Generated<boolean>;
  processed: Generated<number>;
  changed: Generated<number>;
  failed: Generated<number>;
  errors: Json;
  summary: Json | null;
}

export interface AccountLoadRowsTable {
  taskId: string;
  nativeIdentity: string;
  lineNo: number;
  name: string;
  attributes: Json<Record<string, unknown>>;
}

/** A profile's lifecycle states (migration 0012); the structured settings as the API gives them. */
export interface LifecycleStatesTable {
  id: string;
  tenantId: Generated<string>;
  profileId: string;
  technicalName: string;
  name: string;
  enabled: boolean;
  description: string | null;
  identityState: string | null;
  priority: number | null;
  emailNotificationOption: Json | null;
  accountActions: Json;
  accessProfileIds: Json;
  accessActionConfiguration: Json | null;
  created: Timestamp;
  modified: Timestamp;
}
