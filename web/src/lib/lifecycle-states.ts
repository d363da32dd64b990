import type { AccountAction, Source } from '../api/types';

/** ISC's identity states (v2025's enum) as the console names them. */
export const IDENTITY_STATE_LABELS: Record<string, string> = {
  ACTIVE: 'Active',
  INACTIVE_SHORT_TERM: 'Inactive (short term)',
  INACTIVE_LONG_TERM: 'Inactive (long term)',
};

/** `Disable on HR, AD` / `Enable on all sources except HR`, with source names where known. */
export function describeAction(a: AccountAction, sources: Source[]): string {
  const name = (id: string) => sources.find((s) => s.id === id)?.name ?? id;
  const verb = a.action === 'ENABLE' ? 'Enable' : a.action === 'DISABLE' ? 'Disable' : 'Delete';
  if (a.allSources)
    return `${verb} on all sources${a.excludeSourceIds?.length ? ` except ${a.excludeSourceIds.map(name).join(', ')}` : ''}`;
  return `${verb} on ${(a.sourceIds ?? []).map(name).join(', ')}`;
}
