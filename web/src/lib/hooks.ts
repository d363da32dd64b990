import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api/client';
import { session } from '../api/session';

/** `value`, once it has stopped changing for `ms` (typing in a filter box). */
export function useDebounced<T>(value: T, ms = 300): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export interface Loaded<T> {
  data?: T;
  error?: unknown;
  loading: boolean;
  reload: () => void;
}

/**
 * Runs `load` whenever `deps` change; a newer run aborts the older one, so a slow answer never
 * overwrites a newer one (typing quickly in a filter). A load refused because the session had
 * ended runs again once the person has signed in again.
 */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const errorRef = useRef<unknown>(undefined);
  errorRef.current = state.error;
  useEffect(
    () =>
      session.subscribe((change) => {
        if (change === 'started' && errorRef.current instanceof ApiError && errorRef.current.status === 401)
          setTick((t) => t + 1);
      }),
    [],
  );
  useEffect(() => {
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    loadRef.current(controller.signal).then(
      (data) => !controller.signal.aborted && setState({ data, loading: false }),
      (error: unknown) => !controller.signal.aborted && setState((s) => ({ data: s.data, error, loading: false })),
    );
    return () => controller.abort();
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

/** Counts sign-ins (a session started), for effects that should run again after one. */
export function useSignIns(): number {
  const [count, setCount] = useState(0);
  useEffect(() => session.subscribe((change) => change === 'started' && setCount((n) => n + 1)), []);
  return count;
}

/** Wraps an action: `busy` while it runs, its error kept for display, the result returned. */
export function useAction<A extends unknown[], R>(action: (...args: A) => Promise<R>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = async (...args: A): Promise<R | undefined> => {
    setBusy(true);
    setError(undefined);
    try {
      return await action(...args);
    } catch (e) {
      setError(e);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { run, busy, error, clearError: () => setError(undefined) };
}
