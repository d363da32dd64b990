import { useEffect, useState } from 'preact/hooks';
import { listSources } from '../api/others';
import type { Source } from '../api/types';

/**
 * The sources (first 250 by name), shared by every picker on a page and fetched again at most
 * every 3 s (a picker opened after a file load sees its new attribute names).
 */
let cache: { at: number; promise: Promise<Source[]> } | undefined;

export function sourcesOnce(fresh = false): Promise<Source[]> {
  if (fresh || !cache || Date.now() - cache.at > 3_000) {
    const promise = listSources().then((r) => r.items);
    promise.catch(() => (cache = undefined));
    cache = { at: Date.now(), promise };
  }
  return cache.promise;
}

export const forgetSources = () => (cache = undefined);

export function useSources(): { sources: Source[]; error?: unknown; loading: boolean } {
  const [state, setState] = useState<{ sources: Source[]; error?: unknown; loading: boolean }>({
    sources: [],
    loading: true,
  });
  useEffect(() => {
    let live = true;
    sourcesOnce().then(
      (sources) => live && setState({ sources, loading: false }),
      (error: unknown) => live && setState({ sources: [], error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, []);
  return state;
}
