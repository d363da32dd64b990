import { ApiError, call, quote, request, toApiError } from './client';
import { session, SESSION_ENDED } from './session';
import type { Account, Identity, Source, SourceInput, TaskStatus } from './types';

export const getTask = (id: string, signal?: AbortSignal) =>
  call<TaskStatus>(`/v3/task-status/${encodeURIComponent(id)}`, { signal });

export async function listSources(
  nameStartsWith = '',
  limit = 250,
  offset = 0,
): Promise<{ items: Source[]; total: number }> {
  const filters = nameStartsWith ? `name sw ${quote(nameStartsWith)}` : undefined;
  const res = await request<Source[]>('/v3/sources', {
    query: { filters, sorters: 'name', limit, offset, count: true },
  });
  return { items: res.data, total: res.total ?? res.data.length };
}
export const getSource = (id: string) => call<Source>(`/v3/sources/${encodeURIComponent(id)}`);
export const createSource = (input: SourceInput) => call<Source>('/v3/sources', { method: 'POST', body: input });
export const deleteSource = (id: string) => call<void>(`/v3/sources/${encodeURIComponent(id)}`, { method: 'DELETE' });

/** How many accounts a source holds (`X-Total-Count` of its accounts). */
export async function accountCount(sourceId: string, signal?: AbortSignal): Promise<number> {
  const res = await request<Account[]>('/v3/accounts', {
    query: { filters: `sourceId eq ${quote(sourceId)}`, limit: 1, count: true },
    signal,
  });
  return res.total ?? res.data.length;
}

/** The newest account loads (not dry runs) of these sources: the first one per source is its last load. */
export async function lastLoads(sourceIds: string[], signal?: AbortSignal): Promise<Map<string, TaskStatus>> {
  const out = new Map<string, TaskStatus>();
  if (!sourceIds.length) return out;
  const tasks = await call<TaskStatus[]>('/v3/task-status', {
    query: {
      filters: `type eq "CLOUD_ACCOUNT_AGGREGATION" and target.id in (${sourceIds.map(quote).join(', ')})`,
      sorters: '-launched',
      limit: 250,
    },
    signal,
  });
  for (const t of tasks) {
    const id = t.target?.id;
    if (
      id &&
      !out.has(id) &&
      !(t.result as { dryRun?: boolean } | null)?.dryRun &&
      !/dry run/i.test(t.uniqueName) &&
      !/^Preview/.test(t.description)
    )
      out.set(id, t);
  }
  return out;
}

/**
 * Uploads a CSV (multipart part `file`) with upload progress (XHR: fetch cannot report it); the
 * load itself then runs as a task. `dryRun`: the task reports what the load would do, writing
 * nothing; `allowDeletes`: the operator allows this many removals past the source's deleteThreshold.
 */
export function loadAccounts(
  sourceId: string,
  file: File,
  onProgress?: (fraction: number) => void,
  options: { dryRun?: boolean; allowDeletes?: number } = {},
): Promise<{ success: boolean; task: TaskStatus }> {
  const form = new FormData();
  form.append('file', file, file.name);
  const query = new URLSearchParams();
  if (options.dryRun) query.set('dryRun', 'true');
  if (options.allowDeletes !== undefined) query.set('allowDeletes', String(options.allowDeletes));
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/v3/sources/${encodeURIComponent(sourceId)}/load-accounts${query.size ? `?${query}` : ''}`);
    const token = session.token();
    if (!token) {
      session.refused(undefined);
      return reject(new ApiError(401, [SESSION_ENDED]));
    }
    xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress?.(e.loaded / e.total);
    xhr.onerror = () => reject(new ApiError(0, ['The server cannot be reached. Is it running?']));
    xhr.onload = () => {
      if (xhr.status === 202 || xhr.status === 200) return resolve(JSON.parse(xhr.responseText));
      if (xhr.status === 401) session.refused(token);
      void toApiError(new Response(xhr.responseText, { status: xhr.status })).then(reject);
    };
    xhr.send(form);
  });
}

export interface IdentityQuery {
  nameStartsWith?: string;
  profileId?: string;
  /** The identities whose manager (correlated) is this identity: its direct reports. */
  managerId?: string;
  managersOnly?: boolean;
  /** A computed attribute whose value starts with `value` (case-insensitive; beyond ISC: `attributes.<name>`). */
  attribute?: { name: string; value: string };
  limit: number;
  offset: number;
}
/** Attribute names the server can filter on (`attributes.<name>`). */
export const FILTERABLE_ATTRIBUTE = /^[A-Za-z_][A-Za-z0-9_]{0,99}$/;

export function identityFilters(q: Omit<IdentityQuery, 'limit' | 'offset'>): string | undefined {
  const parts = [
    q.nameStartsWith ? `name sw ${quote(q.nameStartsWith)}` : '',
    q.profileId ? `identityProfileId eq ${quote(q.profileId)}` : '',
    q.managerId ? `managerRef.id eq ${quote(q.managerId)}` : '',
    q.managersOnly ? 'isManager eq true' : '',
    q.attribute && FILTERABLE_ATTRIBUTE.test(q.attribute.name)
      ? q.attribute.value
        ? `attributes.${q.attribute.name} sw ${quote(q.attribute.value)}`
        : `pr attributes.${q.attribute.name}`
      : '',
  ];
  return parts.filter(Boolean).join(' and ') || undefined;
}
export async function listIdentities(
  q: IdentityQuery,
  signal?: AbortSignal,
): Promise<{ items: Identity[]; total: number }> {
  const res = await request<Identity[]>('/v2025/identities', {
    query: { filters: identityFilters(q), sorters: 'name', limit: q.limit, offset: q.offset, count: true },
    signal,
  });
  return { items: res.data, total: res.total ?? res.data.length };
}
export const getIdentity = (id: string) => call<Identity>(`/v2025/identities/${encodeURIComponent(id)}`);
export const accountsOf = (identityId: string) =>
  call<Account[]>('/v3/accounts', { query: { filters: `identityId eq ${quote(identityId)}`, limit: 250 } });

/** The newest processing tasks of these profiles (ours beyond ISC: `GET /v3/task-status` with filters). */
export const listProcessTasks = (profileIds: string[], signal?: AbortSignal) =>
  call<TaskStatus[]>('/v3/task-status', {
    query: {
      filters: `type eq "IDENTITY_PROFILE_PROCESS" and target.id in (${profileIds.map(quote).join(', ')})`,
      sorters: '-launched',
      limit: 250,
    },
    signal,
  });
