/**
 * A small client of a running idprofiles server for the CLI (`load`, `process`): the same public
 * API every client uses, with a client-credentials token.
 */
export interface RemoteOptions {
  url: string;
  clientId: string;
  clientSecret: string;
}

export class RemoteError extends Error {
  override name = 'RemoteError';
}

export function remoteOptionsFrom(
  values: { url?: string; 'client-id'?: string; 'client-secret'?: string },
  env: NodeJS.ProcessEnv,
): RemoteOptions {
  const url = (values.url ?? env.IDPROFILES_URL ?? `http://localhost:${env.PORT ?? 8080}`).replace(/\/+$/, '');
  const clientId = values['client-id'] ?? env.IDPROFILES_CLIENT_ID;
  const clientSecret = values['client-secret'] ?? env.IDPROFILES_CLIENT_SECRET;
  if (!clientId || !clientSecret)
    throw new RemoteError(
      'Give the API client with --client-id and --client-secret (or IDPROFILES_CLIENT_ID / IDPROFILES_CLIENT_SECRET).',
    );
  return { url, clientId, clientSecret };
}

export async function connect(options: RemoteOptions) {
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: options.clientId,
    client_secret: options.clientSecret,
  });
  const tokenRes = await fetchOrExplain(`${options.url}/oauth/token`, { method: 'POST', body: form });
  const token = (await tokenRes.json()) as { access_token?: string; error_description?: string };
  if (!tokenRes.ok || !token.access_token)
    throw new RemoteError(`Sign-in failed: ${token.error_description ?? tokenRes.statusText}`);
  const auth = { authorization: `Bearer ${token.access_token}` };

  async function call<T>(
    method: string,
    path: string,
    init: { json?: unknown; body?: FormData } = {},
  ): Promise<{ body: T; headers: Headers }> {
    const res = await fetchOrExplain(`${options.url}${path}`, {
      method,
      headers: init.json === undefined ? auth : { ...auth, 'content-type': 'application/json' },
      body: init.json === undefined ? init.body : JSON.stringify(init.json),
    });
    const text = await res.text();
    const body = text ? JSON.parse(text) : undefined;
    if (!res.ok) throw new RemoteError(describeError(res.status, body));
    return { body: body as T, headers: res.headers };
  }
  return { call };
}
export type Remote = Awaited<ReturnType<typeof connect>>;

async function fetchOrExplain(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (e) {
    // a file that stops being readable while it is sent fails the request too: that is not the server's fault
    const cause = (e as Error).cause as Error | undefined;
    if (cause?.name === 'NotReadableError')
      throw new RemoteError(
        `The file could not be read while it was being sent (${cause.message}); nothing was loaded.`,
      );
    throw new RemoteError(
      `Cannot reach the server at ${new URL(url).origin} (${(e as Error).cause ?? (e as Error).message}). Is 'idprofiles serve' running? Use --url to point elsewhere.`,
    );
  }
}

function describeError(status: number, body: any): string {
  const messages = [...(body?.messages ?? []), ...(body?.causes ?? [])].map((m: { text: string }) => m.text);
  return `${status}: ${messages.join(' — ') || body?.error || body?.message || 'request failed'}`;
}

/** Finds an object by id, or else by exact name (case-insensitive), through a collection endpoint. */
export async function resolveByIdOrName(
  remote: Remote,
  collection: string,
  what: string,
  idOrName: string,
): Promise<{ id: string; name: string }> {
  const q = (f: string) => `${collection}?filters=${encodeURIComponent(f)}&limit=2`;
  const escaped = idOrName.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  const byId = (await remote.call<Array<{ id: string; name: string }>>('GET', q(`id eq "${escaped}"`))).body;
  if (byId.length) return byId[0];
  const byName = (await remote.call<Array<{ id: string; name: string }>>('GET', q(`name eq "${escaped}"`))).body;
  if (byName.length) return byName[0];
  throw new RemoteError(`No ${what} with id or name '${idOrName}'.`);
}
