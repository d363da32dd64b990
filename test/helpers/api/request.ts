import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { TestApp } from '../app.js';

/** A test app, or a getter for one (a suite's `t` is assigned in `beforeAll`, after its clients are made). */
export type AppRef = TestApp | (() => TestApp);

export interface Call {
  method: NonNullable<InjectOptions['method']>;
  url: string;
  /** A JSON body (or a prepared one, e.g. multipart, with its `headers`). */
  payload?: InjectOptions['payload'];
  headers?: Record<string, string>;
  /** The status (or one of the statuses) the call must answer, 200 unless given; anything else throws with the status and the body. */
  status?: number | number[];
}

/** One API call that must succeed, answering its parsed body (`undefined` for an empty one); `response` answers the whole response (for its headers). */
export interface Send {
  <T>(call: Call): Promise<T>;
  response(call: Call): Promise<LightMyRequestResponse>;
}

/** Thrown when a call a test's setup relies on does not answer as it must: says what was asked and what came back. */
export class ApiCallFailed extends Error {
  constructor(
    readonly call: Call,
    readonly statusCode: number,
    readonly body: string,
  ) {
    super(
      `${call.method} ${call.url} answered ${statusCode}, not ${[call.status ?? 200].flat().join(' or ')}: ${body}`,
    );
    this.name = 'ApiCallFailed';
  }
}

/**
 * Sends calls through `t.app.inject` with `headers` (the admin's unless given). The app is read at
 * each call, so a client can be made at `describe` level before `beforeAll` starts the app.
 */
export function sender(app: AppRef, headers?: Record<string, string>): Send {
  const appOf = typeof app === 'function' ? app : () => app;
  const response = async (call: Call) => {
    const t = appOf();
    const res = await t.app.inject({
      method: call.method,
      url: call.url,
      payload: call.payload,
      headers: { ...(headers ?? (await t.admin())), ...call.headers },
    });
    if (![call.status ?? 200].flat().includes(res.statusCode)) throw new ApiCallFailed(call, res.statusCode, res.body);
    return res;
  };
  const send = async <T>(call: Call) => {
    const res = await response(call);
    return (res.body === '' ? undefined : res.json()) as T;
  };
  return Object.assign(send, { response });
}

/** The body and content type of a JSON Patch request. */
export const jsonPatch = (ops: unknown[]) => ({
  payload: JSON.stringify(ops),
  headers: { 'content-type': 'application/json-patch+json' },
});

/** `?filters=…&sorters=…` from the set options (values are encoded). */
export function query(options: Record<string, string | number | boolean | undefined>): string {
  const pairs = Object.entries(options)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`);
  return pairs.length ? `?${pairs.join('&')}` : '';
}

/** A list call's options, as ISC's collection endpoints take them. */
export interface ListOptions {
  filters?: string;
  sorters?: string;
  limit?: number;
  offset?: number;
  [other: string]: string | number | boolean | undefined;
}
