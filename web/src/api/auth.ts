import { toApiError } from './client';
import { session } from './session';

/** Client-credentials sign-in at `/oauth/token`, exactly as any API client gets a token. */
export async function signIn(clientId: string, clientSecret: string): Promise<void> {
  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: clientSecret,
  });
  const res = await fetch('/oauth/token', { method: 'POST', body, headers: { accept: 'application/json' } });
  if (!res.ok) throw await toApiError(res);
  const token = (await res.json()) as { access_token: string; expires_in: number };
  session.start(token.access_token, clientId, token.expires_in);
}
