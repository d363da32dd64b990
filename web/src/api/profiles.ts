import { call, quote, request } from './client';
import type {
  TaskResultSimplified,
  ExportedIdentityProfile,
  IdentityAttributeConfig,
  IdentityPreviewResponse,
  IdentityProfile,
  IdentityProfileInput,
  ImportItem,
  JsonPatch,
  ObjectImportResult,
} from './types';

const BASE = '/v3/identity-profiles';
/** v3 previews only accountAttribute/reference/rule at the top of a mapping; v2025 previews every transform type. */
const PREVIEW = '/v2025/identity-profiles/identity-preview';

export interface ListQuery {
  nameStartsWith?: string;
  sorters?: string;
  limit: number;
  offset: number;
}

export async function listProfiles(
  q: ListQuery,
  signal?: AbortSignal,
): Promise<{ items: IdentityProfile[]; total: number }> {
  const filters = q.nameStartsWith ? `name sw ${quote(q.nameStartsWith)}` : undefined;
  const res = await request<IdentityProfile[]>(BASE, {
    query: { filters, sorters: q.sorters, limit: q.limit, offset: q.offset, count: true },
    signal,
  });
  return { items: res.data, total: res.total ?? res.data.length };
}

export const getProfile = (id: string) => call<IdentityProfile>(`${BASE}/${encodeURIComponent(id)}`);
export const createProfile = (input: IdentityProfileInput) =>
  call<IdentityProfile>(BASE, { method: 'POST', body: input });
export const patchProfile = (id: string, ops: JsonPatch) =>
  call<IdentityProfile>(`${BASE}/${encodeURIComponent(id)}`, {
    method: 'PATCH',
    body: ops,
    contentType: 'application/json-patch+json',
  });
export const deleteProfile = (id: string) =>
  call<TaskResultSimplified>(`${BASE}/${encodeURIComponent(id)}`, { method: 'DELETE' });
export const bulkDeleteProfiles = (ids: string[]) =>
  call<TaskResultSimplified>(`${BASE}/bulk-delete`, { method: 'POST', body: ids });
export const defaultAttributeConfig = (id: string) =>
  call<IdentityAttributeConfig>(`${BASE}/${encodeURIComponent(id)}/default-identity-attribute-config`);

/** Export filters allow only `eq`/`ne`, so several ids are `or`-ed, 20 to a request. */
export async function exportProfiles(ids: string[]): Promise<ExportedIdentityProfile[]> {
  const out: ExportedIdentityProfile[] = [];
  for (let i = 0; i < ids.length; i += 20) {
    const filters = ids
      .slice(i, i + 20)
      .map((id) => `id eq ${quote(id)}`)
      .join(' or ');
    out.push(...(await call<ExportedIdentityProfile[]>(`${BASE}/export`, { query: { filters, limit: 250 } })));
  }
  return out;
}

export const importProfiles = (items: ImportItem[], dryRun: boolean) =>
  call<ObjectImportResult>(`${BASE}/import`, { method: 'POST', body: items, query: { dryRun: dryRun || undefined } });

export const previewIdentity = (identityId: string, identityAttributeConfig: IdentityAttributeConfig) =>
  call<IdentityPreviewResponse>(PREVIEW, { method: 'POST', body: { identityId, identityAttributeConfig } });

/** Starts processing; the task id comes from the 202's `Location` header. */
export async function processIdentities(id: string, dryRun: boolean): Promise<string> {
  const res = await request<object>(`${BASE}/${encodeURIComponent(id)}/process-identities`, {
    method: 'POST',
    query: { dryRun: dryRun || undefined },
  });
  const location = res.headers.get('location') ?? '';
  const taskId = location.split('/').pop();
  if (!taskId)
    throw new Error('The server started processing but did not say where to follow it (no Location header).');
  return taskId;
}
