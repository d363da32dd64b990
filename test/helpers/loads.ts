import { waitForTask, type TestApp } from './app.js';
import { multipartFile } from './multipart.js';

/** A client of the load API for tests: sources, loads (real or dry run) and what a source holds. */
export function loadClient(t: TestApp, headers: Record<string, string>) {
  const unique = (p: string) => `${p}-${Math.random().toString(36).slice(2, 8)}`;
  const newSource = async (extra: object = {}) => {
    const res = await t.app.inject({ method: 'POST', url: '/v3/sources', headers, payload: { name: unique('src'), ...extra } });
    if (res.statusCode !== 201) throw new Error(`source: ${res.statusCode} ${res.body}`);
    return res.json();
  };
  /** Uploads `csv`; `query` e.g. `dryRun=true&allowDeletes=3`. Answers the 202's task, completed. */
  const load = async (sourceId: string, csv: string, query = '') => {
    const m = multipartFile('file', 'accounts.csv', csv);
    const res = await t.app.inject({ method: 'POST', url: `/v3/sources/${sourceId}/load-accounts${query ? `?${query}` : ''}`, payload: m.payload, headers: { ...headers, ...m.headers } });
    if (res.statusCode !== 202) throw new Error(`load: ${res.statusCode} ${res.body}`);
    return waitForTask(t, res.json().task.id);
  };
  /** The source's accounts as stored, by native identity. */
  const accountsOf = async (sourceId: string) =>
    (await t.app.inject({ method: 'GET', url: `/v3/accounts?filters=${encodeURIComponent(`sourceId eq "${sourceId}"`)}&sorters=nativeIdentity`, headers })).json() as Array<{
      id: string; nativeIdentity: string; name: string; modified: string; identityId: string | null; attributes: Record<string, string>;
    }>;
  const identities = async () =>
    (await t.app.inject({ method: 'GET', url: '/v2025/identities?sorters=name', headers })).json() as Array<{ id: string; name: string; modified: string }>;
  const getSource = async (id: string) => (await t.app.inject({ method: 'GET', url: `/v3/sources/${id}`, headers })).json();
  /** Processing runs recorded so far (every task of that type). */
  const processingRuns = async () =>
    (await t.app.inject({ method: 'GET', url: `/v3/task-status?filters=${encodeURIComponent('type eq "IDENTITY_PROFILE_PROCESS"')}&count=true`, headers })).headers['x-total-count'];
  return { newSource, load, accountsOf, identities, getSource, processingRuns };
}

/** `n` accounts `1..n` named `user1..usern`, as CSV with a header. */
export const csvOf = (ids: number[], extra = '') => `id,name${extra ? `,${extra}` : ''}\n${ids.map((i) => `${i},user${i}${extra ? ',x' : ''}`).join('\n')}\n`;
export const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
