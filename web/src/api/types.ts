/**
 * The console's view of the API: the server's own TypeBox schemas (type-only imports, erased at
 * build time), so the console and the API share one definition and drift breaks the build.
 */
export type {
  ExportedIdentityProfile,
  IdentityAttributeConfig,
  IdentityPreviewResponse,
  IdentityProfile,
  IdentityProfileInput,
  ImportItem,
  ObjectImportResult,
} from '../../../src/domain/identity-profiles/schema.js';
export type { Source, SourceInput } from '../../../src/domain/sources/schema.js';
export type { Identity } from '../../../src/domain/identities/schema.js';
export type { Account, LoadOutcome, LoadPreview, LoadSummary } from '../../../src/domain/accounts/schema.js';
export type { TaskResultSimplified, TaskStatus } from '../../../src/domain/tasks/schema.js';
export type { Transform, TransformInput } from '../../../src/domain/transforms/schema.js';
export type { ErrorResponse, JsonPatch } from '../../../src/domain/shared/schema.js';
export type { AttributeChangeSummary } from '../../../src/domain/identities/dry-run.js';

import type { IdentityProfile } from '../../../src/domain/identity-profiles/schema.js';

/** One mapping: identity attribute ← transform definition. */
export type Mapping = IdentityProfile['identityAttributeConfig']['attributeTransforms'][number];
export type TransformDefinition = Mapping['transformDefinition'];

import type { LifecycleStateWithCount } from '../../../src/domain/lifecycle-states/model.js';
export type { AccountAction, AccountActionType } from '../../../src/domain/lifecycle-states/model.js';
/** A lifecycle state as v2025 shows it (the console reads and writes that version: identityState, allSources). */
export type LifecycleState = Omit<LifecycleStateWithCount, 'profileId'>;
export type { LifecycleStateInput } from '../../../src/domain/lifecycle-states/schema.js';
