import { AsyncLocalStorage } from 'node:async_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type pg from 'pg';

/**
 * PGlite's one session, handed out in two lanes: requests first, job work (and bulk requests:
 * lists, uploads) after them.
 *
 * PGlite is one session. Its statements run in a thread of their own (pglite-worker.ts), but a
 * transaction holds the session until it ends, and pg.Pool would hand it out first come, first
 * served: a request waited behind every job statement queued before it.
 *
 * Here, work started inside `inBackground` (job handlers, `Database.bulkRequest`) is the background lane:
 * - before each of its statements, the event loop turns once (`setImmediate`), so requests that
 *   arrived are read, and their statements queue for the session;
 * - when the session comes free, requests' waiters get it first; a background waiter gets it
 *   only after a turn of the event loop in which no request asked for it — or after
 *   `REQUESTS_BEFORE_BACKGROUND` requests in a row, so that a steady stream of requests cannot
 *   stop the jobs altogether.
 * A transaction holds the session until it ends (another lane's statement inside it would be part
 * of it), so job work keeps its transactions short on PGlite (services.ts: about 70 ms each).
 */

type Lane = 'request' | 'background';
const lane = new AsyncLocalStorage<Lane>();

/** Runs `fn` (job work, bulk requests) in the background lane: its statements give way to requests'. */
export const inBackground = <T>(fn: () => T): T => lane.run('background', fn);

/** Requests granted in a row while job work waits, before the job gets a turn. */
export const REQUESTS_BEFORE_BACKGROUND = 16;

/** What Kysely's PostgresDialect and pg-boss (through `query`) need of a pool. */
export interface SessionClient {
  query(text: string, values?: readonly unknown[]): Promise<pg.QueryResult>;
  release(): void;
}

export class LanedSession {
  #client: pg.Client;
  #connected: Promise<unknown> | undefined;
  #held: Lane | undefined;
  #ended = false;
  readonly #waiting: Record<Lane, Array<(client: SessionClient) => void>> = { request: [], background: [] };
  /** Requests granted since job work last had the session while it waited. */
  #requestsInARow = 0;
  #handingOver = false;

  constructor(client: pg.Client) {
    this.#client = client;
  }

  /**
   * Talks to `client` from now on (the database's thread was started again, pglite-lifeline.ts).
   * Whoever holds the session keeps the old client until it releases it: its statements fail, as
   * the old thread is gone.
   */
  replaceClient(client: pg.Client): void {
    this.#client = client;
    this.#connected = undefined;
  }

  /** Whether job work holds the session now (a request would wait for its transaction to end). */
  get heldByBackground(): boolean {
    return this.#held === 'background';
  }

  /** The session for one statement or one transaction, in the caller's lane; `release()` gives it back. */
  connect(): Promise<SessionClient> {
    if (this.#ended) return Promise.reject(new Error('the embedded database is closed'));
    const which = lane.getStore() ?? 'request';
    return new Promise((resolve) => {
      this.#waiting[which].push(resolve);
      this.#handOver();
    });
  }

  /** One statement on the session (pg-boss's `executeSql`, pg.Pool's `query`). */
  async query(text: string, values?: readonly unknown[]): Promise<pg.QueryResult> {
    const client = await this.connect();
    try {
      return await client.query(text, values);
    } finally {
      client.release();
    }
  }

  /** The session as a pool of one: busy while a statement or transaction holds it; `waiting`: callers in both lanes. */
  usage(): { max: number; busy: number; idle: number; waiting: number } {
    const busy = this.#held ? 1 : 0;
    return { max: 1, busy, idle: 1 - busy, waiting: this.#waiting.request.length + this.#waiting.background.length };
  }

  /** Waits for the holder (if any) to give the session back, then closes the client. */
  async end(): Promise<void> {
    if (this.#ended) return;
    const last =
      this.#held || this.#waiting.request.length || this.#waiting.background.length
        ? new Promise<SessionClient>((resolve) => {
            this.#waiting.background.push(resolve);
            this.#handOver();
          })
        : undefined;
    this.#ended = true;
    const client = await last;
    await this.#client.end();
    client?.release();
  }

  #handOver(): void {
    if (this.#held || this.#handingOver) return;
    const backgroundWaits = this.#waiting.background.length > 0;
    if (this.#waiting.request.length && !(backgroundWaits && this.#requestsInARow >= REQUESTS_BEFORE_BACKGROUND)) {
      if (backgroundWaits) this.#requestsInARow++;
      return this.#grant(this.#waiting.request.shift()!, 'request');
    }
    if (!backgroundWaits) return;
    if (this.#requestsInARow >= REQUESTS_BEFORE_BACKGROUND) {
      this.#requestsInARow = 0;
      return this.#grant(this.#waiting.background.shift()!, 'background');
    }
    // give requests that have arrived (read in this turn's I/O phase) the chance to ask first
    this.#handingOver = true;
    setImmediate(() => {
      this.#handingOver = false;
      if (this.#held) return;
      if (this.#waiting.request.length) return this.#handOver();
      this.#requestsInARow = 0;
      const next = this.#waiting.background.shift();
      if (next) this.#grant(next, 'background');
    });
  }

  #grant(resolve: (client: SessionClient) => void, which: Lane): void {
    this.#held = which;
    let released = false;
    const client = this.#client;
    const connected = (this.#connected ??= client.connect());
    resolve({
      query: async (text, values) => {
        if (released) throw new Error('query on a released session');
        await connected;
        // job work: let the event loop read what has arrived before each statement
        if (which === 'background') await nextTurn();
        return client.query(text, values as unknown[] | undefined);
      },
      release: () => {
        if (released) return;
        released = true;
        this.#held = undefined;
        this.#handOver();
      },
    });
  }
}
