import type { Static } from 'typebox';
import type {
  ExportedIdentityProfile,
  TransformDefinition as TransformDefinitionSchema,
  IdentityPreviewRequest,
  IdentityPreviewResponse,
  IdentityProfile,
  IdentityProfileInput,
  ImportItem,
  ObjectImportResult,
} from '../../../src/domain/identity-profiles/schema.js';
import type { LifecycleSummary } from '../../../src/domain/identities/lifecycle.js';
import type { ChunkOutcome } from '../../../src/domain/tasks/repository.js';
import type { TaskResultSimplified } from '../../../src/domain/tasks/schema.js';
import { jsonPatch, query, type ListOptions, type Send } from './request.js';

/** A transform as a mapping holds it (`{ type, attributes }`, nested freely). */
export type TransformDefinition = Static<typeof TransformDefinitionSchema>;

/** What a processing run writes as its task's result (`domain/identities/processing.ts`; a dry run adds `attributeChanges`). */
export interface ProcessingResult {
  total: number;
  processed: number;
  changed: number;
  failed: number;
  managersChanged: number;
  dryRun: boolean;
  errors: ChunkOutcome['errors'];
  attributeChanges?: Array<{ attribute: string; identities: number }>;
  lifecycleStates?: LifecycleSummary;
}

/** Identity profiles (`/v3/identity-profiles` unless `base` names another version's). */
export function identityProfilesClient(send: Send, base = '/v3/identity-profiles') {
  return {
    create: (profile: IdentityProfileInput) =>
      send<IdentityProfile>({ method: 'POST', url: base, payload: profile, status: 201 }),
    get: (id: string) => send<IdentityProfile>({ method: 'GET', url: `${base}/${id}` }),
    list: (options: ListOptions = {}) => send<IdentityProfile[]>({ method: 'GET', url: `${base}${query(options)}` }),
    patch: (id: string, ops: unknown[]) =>
      send<IdentityProfile>({ method: 'PATCH', url: `${base}/${id}`, ...jsonPatch(ops) }),
    /** Asks for the profile's deletion (a task: wait for it with `tasks.wait`). */
    delete: (id: string) => send<TaskResultSimplified>({ method: 'DELETE', url: `${base}/${id}`, status: 202 }),
    bulkDelete: (ids: string[]) =>
      send<TaskResultSimplified>({ method: 'POST', url: `${base}/bulk-delete`, payload: ids, status: 202 }),
    preview: (request: IdentityPreviewRequest) =>
      send<IdentityPreviewResponse>({ method: 'POST', url: `${base}/identity-preview`, payload: request }),
    export: (options: ListOptions = {}) =>
      send<ExportedIdentityProfile[]>({ method: 'GET', url: `${base}/export${query(options)}` }),
    import: (items: ImportItem[], options: { dryRun?: boolean } = {}) =>
      send<ObjectImportResult>({ method: 'POST', url: `${base}/import${query(options)}`, payload: items }),
    /** Starts processing the profile's identities; answers the run's task id (from the 202's Location). */
    async process(id: string, options: { dryRun?: boolean } = {}): Promise<string> {
      const res = await send.response({
        method: 'POST',
        url: `${base}/${id}/process-identities${query(options)}`,
        status: 202,
      });
      const taskId = String(res.headers.location ?? '')
        .split('/')
        .pop();
      if (!taskId) throw new Error(`process-identities of ${id} answered 202 without a Location: ${res.body}`);
      return taskId;
    },
  };
}
