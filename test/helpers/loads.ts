import type { TestApp } from './app.js';
import { apiClient, type AnyResult } from './api/index.js';

/** A client of the load API for tests: sources, loads (real or dry run) and what a source holds. */
export function loadClient(t: TestApp, headers: Record<string, string>) {
  const api = apiClient(t, headers);
  const unique = (p: string) => `${p}-${Math.random().toString(36).slice(2, 8)}`;
  return {
    newSource: (extra: object = {}) => api.sources.create({ name: unique('src'), ...extra }),
    /** Uploads `csv`; `query` e.g. `dryRun=true&allowDeletes=3`. Answers the 202's task, completed (a real load's result or a dry run's). */
    load: (sourceId: string, csv: string, query = '') => api.sources.load<AnyResult>(sourceId, csv, { query }),
    /** The source's accounts as stored, by native identity. */
    accountsOf: (sourceId: string) => api.sources.accounts(sourceId),
    identities: () => api.identities.list({ sorters: 'name' }),
    getSource: (id: string) => api.sources.get(id),
    /** Processing runs recorded so far (every task of that type). */
    processingRuns: async () =>
      (
        await t.app.inject({
          method: 'GET',
          url: `/v3/task-status?filters=${encodeURIComponent('type eq "IDENTITY_PROFILE_PROCESS"')}&count=true`,
          headers,
        })
      ).headers['x-total-count'],
  };
}

/** `n` accounts `1..n` named `user1..usern`, as CSV with a header. */
export const csvOf = (ids: number[], extra = '') =>
  `id,name${extra ? `,${extra}` : ''}\n${ids.map((i) => `${i},user${i}${extra ? ',x' : ''}`).join('\n')}\n`;
export const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
