import { Type, type TSchema } from 'typebox';
import type { AccountActionType, EmailNotificationOption } from './model.js';
import { DateTime, Nullable } from '../shared/schema.js';

/**
 * API shapes of lifecycle states, one per family of versions (spec §4): `classic` (v3, v2024),
 * `current` (v2025, v2026, v1: identityState enum, priority, accessActionConfiguration, account
 * actions over all sources) and `beta` (flat, no identityState, ENABLE/DISABLE only). What a
 * version may PATCH and whether its description may be null are in `policy.ts`.
 */
export type LifecycleStateShape = 'classic' | 'current' | 'beta';

export const IDENTITY_STATES = ['ACTIVE', 'INACTIVE_SHORT_TERM', 'INACTIVE_LONG_TERM'] as const;
const literals = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));
const IdentityStateEnum = literals(IDENTITY_STATES);
/** How the OpenAPI document names each shape's schemas (after the first version that has it), and the versions that have it. */
const TITLE_SUFFIX: Record<LifecycleStateShape, string> = { classic: 'V3', current: 'V2025', beta: 'Beta' };
const VERSIONS_OF: Record<LifecycleStateShape, string> = {
  classic: 'v3, v2024',
  current: 'v2025, v2026, v1',
  beta: 'beta',
};
const ACTIONS: Record<LifecycleStateShape, readonly string[]> = {
  classic: ['ENABLE', 'DISABLE', 'DELETE'],
  current: ['ENABLE', 'DISABLE', 'DELETE'],
  beta: ['ENABLE', 'DISABLE'],
};

const Id = Type.String({ minLength: 1, maxLength: 128 });
const Ids = (description: string) => Type.Array(Id, { maxItems: 1000, uniqueItems: true, description });

const EmailNotificationOption = Type.Object(
  {
    notifyManagers: Type.Optional(Type.Boolean()),
    notifyAllAdmins: Type.Optional(Type.Boolean()),
    notifySpecificUsers: Type.Optional(Type.Boolean()),
    emailAddressList: Type.Optional(Type.Array(Type.String({ maxLength: 320 }), { maxItems: 1000 })),
  },
  {
    title: 'EmailNotificationOptionInput',
    description: 'Who is told of a change of state (stored; this server sends no e-mail)',
  },
);

const AccessActionConfiguration = Type.Object(
  { removeAllAccessEnabled: Type.Optional(Type.Boolean()) },
  { title: 'AccessActionConfigurationInput' },
);

/** An account action as each shape takes it; `classic` has only `sourceIds`. */
function AccountAction(shape: LifecycleStateShape) {
  const sourceIds = Ids('Sources whose accounts the action applies to');
  return Type.Object(
    {
      action: literals(ACTIONS[shape]),
      ...(shape === 'classic'
        ? { sourceIds: Type.Optional(sourceIds) }
        : {
            sourceIds: Type.Optional(Nullable(sourceIds)),
            excludeSourceIds: Type.Optional(Nullable(Ids('With allSources: the sources left out'))),
            allSources: Type.Optional(Type.Boolean()),
          }),
    },
    { title: `AccountAction${TITLE_SUFFIX[shape]}` },
  );
}

/** What a client sends to create a state, per shape (read-only fields are ignored; beta creates none). */
function inputOf(shape: LifecycleStateShape) {
  return Type.Object(
    {
      name: Type.String({ minLength: 1, maxLength: 128, pattern: '\\S' }),
      technicalName: Type.String({
        minLength: 1,
        maxLength: 128,
        pattern: '^\\S(?:.*\\S)?$',
        description: 'Unique within the profile, ignoring case; never changes',
      }),
      enabled: Type.Optional(Type.Boolean()),
      description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
      emailNotificationOption: Type.Optional(EmailNotificationOption),
      accountActions: Type.Optional(Type.Array(AccountAction(shape), { maxItems: 100 })),
      accessProfileIds: Type.Optional(Ids('Access profiles of the state (stored; this server provisions no access)')),
      ...(shape === 'beta' ? {} : { identityState: Type.Optional(Nullable(IdentityStateEnum)) }),
      ...(shape === 'current'
        ? {
            priority: Type.Optional(Nullable(Type.Integer({ minimum: -2147483648, maximum: 2147483647 }))),
            accessActionConfiguration: Type.Optional(AccessActionConfiguration),
          }
        : {}),
    },
    { title: `LifecycleStateInput${TITLE_SUFFIX[shape]}` },
  );
}

export const LifecycleStateInput = {
  classic: inputOf('classic'),
  current: inputOf('current'),
  beta: inputOf('beta'),
} as const;
/** Create input of any shape, as validated by its schema above (`current`'s is the widest). */
export interface LifecycleStateInput {
  name: string;
  technicalName: string;
  enabled?: boolean;
  description?: string | null;
  emailNotificationOption?: Partial<EmailNotificationOption>;
  accountActions?: Array<{
    action: AccountActionType;
    sourceIds?: string[] | null;
    excludeSourceIds?: string[] | null;
    allSources?: boolean;
  }>;
  accessProfileIds?: string[];
  identityState?: string | null;
  priority?: number | null;
  accessActionConfiguration?: { removeAllAccessEnabled?: boolean };
}

const EmailNotificationOut = Type.Object(
  {
    notifyManagers: Type.Boolean(),
    notifyAllAdmins: Type.Boolean(),
    notifySpecificUsers: Type.Boolean(),
    emailAddressList: Type.Array(Type.String()),
  },
  { title: 'EmailNotificationOption' },
);

/** The answer's shape (serialization drops what a version does not show). */
function outputOf(shape: LifecycleStateShape) {
  const props: Record<string, TSchema> = {
    id: Type.String({ description: 'System-generated id (32 hex digits)' }),
    name: Type.String(),
    technicalName: Type.String(),
    created: DateTime,
    modified: DateTime,
    enabled: Type.Boolean(),
    description: Type.Optional(Nullable(Type.String())),
    identityCount: Type.Integer({ description: 'Identities of the profile in this state' }),
    emailNotificationOption: EmailNotificationOut,
    accountActions: Type.Array(AccountAction(shape)),
    accessProfileIds: Type.Array(Type.String()),
  };
  if (shape !== 'beta') props.identityState = Nullable(shape === 'current' ? IdentityStateEnum : Type.String());
  if (shape === 'current') {
    props.accessActionConfiguration = Type.Object({ removeAllAccessEnabled: Type.Boolean() });
    props.priority = Nullable(Type.Integer());
  }
  return Type.Object(props, {
    title: `LifecycleState${TITLE_SUFFIX[shape]}`,
    description: `A lifecycle state of an identity profile (${VERSIONS_OF[shape]})`,
  });
}

export const LifecycleStateOutput = {
  classic: outputOf('classic'),
  current: outputOf('current'),
  beta: outputOf('beta'),
} as const;

export const LifecycleStateDeleted = Type.Object(
  {
    type: Type.Literal('LIFECYCLE_STATE'),
    id: Type.String(),
    name: Type.String(),
  },
  { title: 'LifecycleStateDeleted', description: 'The deleted state' },
);

export const LIFECYCLE_STATE_SORTERS = ['name', 'priority', 'created', 'modified'] as const;
