/**
 * The browser session's token (sessionStorage: gone when the tab closes, never sent anywhere but
 * to this server). Listeners hear sign-in, sign-out and the session's end (its time is up, or the
 * server refused its token).
 */
const KEY = 'idprofiles.session';

/** Shown on the sign-in form whenever the session ended without the person signing out. */
export const SESSION_ENDED = 'Your session has ended. Sign in again.';

interface Stored {
  token: string;
  clientId: string;
  expiresAt: number;
}

/** `ended`: the console stays (sign-in over it, unsaved work kept); `signed-out`: it goes. */
export type SessionChange = 'started' | 'ended' | 'signed-out';
type Listener = (change: SessionChange, reason?: string) => void;
const listeners = new Set<Listener>();

function stored(): Stored | undefined {
  try {
    return (JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Stored | null) ?? undefined;
  } catch {
    return undefined;
  }
}

/** The session, while its time lasts. */
function read(): Stored | undefined {
  const s = stored();
  return s && s.expiresAt > Date.now() ? s : undefined;
}

function change(kind: SessionChange, reason?: string) {
  if (kind !== 'started') sessionStorage.removeItem(KEY);
  listeners.forEach((l) => l(kind, reason));
}

export const session = {
  token: () => read()?.token,
  clientId: () => read()?.clientId,
  /** When the session's time is up (ms since the epoch), while it lasts. */
  expiresAt: () => read()?.expiresAt,
  start(token: string, clientId: string, expiresInSeconds: number) {
    sessionStorage.setItem(
      KEY,
      JSON.stringify({ token, clientId, expiresAt: Date.now() + expiresInSeconds * 1000 } satisfies Stored),
    );
    change('started');
  },
  /** The session is gone (`reason` is shown on the sign-in form). */
  end(reason = SESSION_ENDED) {
    change('ended', reason);
  },
  /**
   * The server refused a request made with `usedToken` (undefined: none was held): ends the
   * session, unless a newer one was started while the request was on its way.
   */
  refused(usedToken: string | undefined) {
    const current = read();
    if (!current || current.token === usedToken) change('ended', SESSION_ENDED);
  },
  signOut() {
    change('signed-out', 'You signed out.');
  },
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
