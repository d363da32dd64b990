import type { LifecycleStateShape } from './schema.js';

/**
 * What differs between API versions for lifecycle states, as data (spec §3b, §4); the HTTP layer
 * picks the policy of the version a request came in on (http/versions.ts).
 */
export interface LifecycleStatePolicy {
  shape: LifecycleStateShape;
  /** The fields a PATCH may change; every other field is refused (the PATCH body's documented list). */
  updatable: readonly string[];
  /** v3 and beta declare `description` a string, not nullable: a state without one leaves it out. */
  descriptionNullable: boolean;
}

const CLASSIC_UPDATABLE = [
  'enabled',
  'description',
  'accountActions',
  'accessProfileIds',
  'emailNotificationOption',
] as const;

export const LIFECYCLE_STATE_POLICIES = {
  v3: { shape: 'classic', updatable: CLASSIC_UPDATABLE, descriptionNullable: false },
  v2024: { shape: 'classic', updatable: CLASSIC_UPDATABLE, descriptionNullable: true },
  current: {
    shape: 'current',
    updatable: [...CLASSIC_UPDATABLE, 'accessActionConfiguration', 'priority'],
    descriptionNullable: true,
  },
  beta: { shape: 'beta', updatable: CLASSIC_UPDATABLE, descriptionNullable: false },
} as const satisfies Record<string, LifecycleStatePolicy>;
