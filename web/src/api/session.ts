/**
 * The browser session's token (sessionStorage: gone when the tab closes, never sent anywhere but
 * to this server). Listeners hear sign-in, sign-out and expiry (a 401 from any call).
 */
const KEY = 'idprofiles.session';

interface Stored {
  token: string;
  clientId: string;
  expiresAt: number;
}

type Listener = (reason?: string) => void;
const listeners = new Set<Listener>();

function read(): Stored | undefined {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Stored | null;
    return s && s.expiresAt > Date.now() ? s : undefined;
  } catch {
    return undefined;
  }
}

export const session = {
  token: () => read()?.token,
  clientId: () => read()?.clientId,
  start(token: string, clientId: string, expiresInSeconds: number) {
    sessionStorage.setItem(KEY, JSON.stringify({ token, clientId, expiresAt: Date.now() + expiresInSeconds * 1000 } satisfies Stored));
    listeners.forEach((l) => l());
  },
  /** Signs out; `reason` is shown on the sign-in form. */
  expire(reason?: string) {
    sessionStorage.removeItem(KEY);
    listeners.forEach((l) => l(reason));
  },
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
