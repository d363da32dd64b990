import type { Account, LoadOutcome } from '../../../src/domain/accounts/schema.js';
import type { Source, SourceInput } from '../../../src/domain/sources/schema.js';
import { multipartFile } from '../multipart.js';
import { jsonPatch, query, type ListOptions, type Send } from './request.js';
import type { Task } from './tasks.js';

/** The 202 of `load-accounts`: the load's task, queued. */
export interface LoadStarted {
  success: boolean;
  task: { id: string; type: string; name: string };
}

/** Sources and their accounts (`/v3/sources`, `/v3/accounts`). */
export function sourcesClient(send: Send, tasks: { wait<R>(id: string): Promise<Task<R>> }) {
  const base = '/v3/sources';
  const startLoad = (sourceId: string, csv: string | Buffer, options: { query?: string; filename?: string } = {}) => {
    const file = multipartFile('file', options.filename ?? 'accounts.csv', csv);
    return send<LoadStarted>({
      method: 'POST',
      url: `${base}/${sourceId}/load-accounts${options.query ? `?${options.query}` : ''}`,
      ...file,
      status: 202,
    });
  };
  return {
    create: (source: SourceInput) => send<Source>({ method: 'POST', url: base, payload: source, status: 201 }),
    get: (id: string) => send<Source>({ method: 'GET', url: `${base}/${id}` }),
    list: (options: ListOptions = {}) => send<Source[]>({ method: 'GET', url: `${base}${query(options)}` }),
    patch: (id: string, ops: unknown[]) => send<Source>({ method: 'PATCH', url: `${base}/${id}`, ...jsonPatch(ops) }),
    /** Deletes the source: at once (204) or, when it has accounts, as a task (202 with its reference). */
    delete: (id: string) =>
      send<{ type: 'TASK_RESULT'; id: string } | undefined>({
        method: 'DELETE',
        url: `${base}/${id}`,
        status: [202, 204],
      }),
    /** Uploads `csv` (`query` e.g. `dryRun=true&allowDeletes=3`) and answers the load's 202. */
    startLoad,
    /**
     * Uploads `csv` and answers the load's task once completed (whatever its completion status).
     * Its result is a `LoadOutcome`, or a `LoadPreview` for `query: 'dryRun=true'`.
     */
    load: async <R = LoadOutcome>(
      sourceId: string,
      csv: string | Buffer,
      options: { query?: string; filename?: string } = {},
    ) => tasks.wait<R>((await startLoad(sourceId, csv, options)).task.id),
    /** The source's accounts as stored, by native identity. */
    accounts: (sourceId: string) =>
      send<Account[]>({
        method: 'GET',
        url: `/v3/accounts${query({ filters: `sourceId eq "${sourceId}"`, sorters: 'nativeIdentity' })}`,
      }),
  };
}
