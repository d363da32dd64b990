import { session, SESSION_ENDED } from './session';

/**
 * An API failure in words: ISC's ErrorResponseDto (`messages`, `causes`), the OAuth `{error,
 * error_description}`, the 429 `{message}`, or the HTTP status when the body says nothing.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly messages: string[],
    readonly causes: string[] = [],
    readonly trackingId?: string,
  ) {
    super(messages[0] ?? `The server answered ${status}.`);
  }
}

export interface ApiResult<T> {
  data: T;
  /** `X-Total-Count`, when the request asked for `count=true`. */
  total?: number;
  headers: Headers;
}

export interface RequestOptions {
  method?: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** JSON-encoded unless it is FormData or URLSearchParams. */
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
}

const texts = (list: unknown): string[] =>
  Array.isArray(list) ? list.map((m) => (m && typeof m === 'object' && 'text' in m ? String(m.text) : String(m))) : [];

/** Turns any error answer into an ApiError with readable sentences (never raw JSON). */
export async function toApiError(res: Response): Promise<ApiError> {
  const body: unknown = await res.json().catch(() => undefined);
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    if (Array.isArray(b.messages))
      return new ApiError(res.status, texts(b.messages), texts(b.causes), b.trackingId as string | undefined);
    if (typeof b.error_description === 'string') return new ApiError(res.status, [b.error_description]);
    if (typeof b.error === 'string')
      return new ApiError(res.status, [res.status === 401 ? `Not signed in: ${b.error}` : b.error]);
    if (typeof b.message === 'string')
      return new ApiError(res.status, [
        res.status === 429 ? 'Too many requests; the server asks to slow down.' : b.message.trim(),
      ]);
  }
  if (res.status === 0 || res.status >= 502)
    return new ApiError(res.status, ['The server cannot be reached. Is it running?']);
  return new ApiError(res.status, [`The server answered ${res.status} ${res.statusText}.`]);
}

function urlOf(path: string, query: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

function bodyOf(options: RequestOptions): { body?: BodyInit; type?: string } {
  const { body, contentType } = options;
  if (body === undefined) return {};
  if (body instanceof FormData || body instanceof URLSearchParams) return { body };
  return { body: JSON.stringify(body), type: contentType ?? 'application/json' };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls the API with the session's token. Without one (its time is up) nothing is sent, and a 401
 * ends the session: either way sign-in comes back. A 429 on a read is retried once after the
 * server's `Retry-After` (at most 10 s).
 */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<ApiResult<T>> {
  const { body, type } = bodyOf(options);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (type) headers['content-type'] = type;
  const token = session.token();
  if (!token) {
    session.refused(undefined);
    throw new ApiError(401, [SESSION_ENDED]);
  }
  headers.authorization = `Bearer ${token}`;
  const method = options.method ?? 'GET';
  const send = () => fetch(urlOf(path, options.query), { method, headers, body, signal: options.signal });
  let res = await send().catch((e: unknown) => {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, ['The server cannot be reached. Is it running?']);
  });
  if (res.status === 429 && method === 'GET') {
    await pause(Math.min(10, Number(res.headers.get('retry-after')) || 1) * 1000);
    res = await send();
  }
  if (res.status === 401) session.refused(token);
  if (!res.ok) throw await toApiError(res);
  const text = res.status === 204 ? '' : await res.text();
  const total = res.headers.get('x-total-count');
  return {
    data: (text ? JSON.parse(text) : undefined) as T,
    total: total === null ? undefined : Number(total),
    headers: res.headers,
  };
}

/** Shortcut for the body only. */
export const call = async <T>(path: string, options?: RequestOptions): Promise<T> =>
  (await request<T>(path, options)).data;

/** Quotes a value for ISC's filter language (`\"` and `\\` are its only escapes). */
export const quote = (value: string) => `"${value.replace(/["\\]/g, '\\$&')}"`;
