import type { DatabaseLogger } from './database.js';
import type { DatabaseThread, DatabaseThreadState } from './pglite-worker.js';

/**
 * The embedded database's thread, started again when it dies. PGlite runs PostgreSQL in
 * WebAssembly in a thread of the server's (pglite-worker.ts); when that thread dies — PGlite
 * aborted, the thread ran out of memory — no statement can run any more. Without this, the server
 * answered 503 to everything until someone restarted it. Here the data folder is opened again in a
 * new thread (PostgreSQL's crash recovery replays its log, as after a killed process: nothing
 * committed is lost), with a growing pause between attempts, and `onThread` hands the new thread
 * to whoever talks to it (the session, pglite-session.ts). What was running when it died fails:
 * a request answers 503, a job is retried by the queue.
 *
 * `memory://` is not restarted: its data died with the thread, and an empty database in its place
 * would pretend otherwise.
 */
export interface LifelineOptions {
  /** Opens the database in a new thread. */
  start(): Promise<DatabaseThread>;
  /** A new thread is running (after a restart): talk to it from now on. */
  onThread(thread: DatabaseThread): void;
  /** False: a dead thread stays dead (memory://). */
  restart: boolean;
  logger?: DatabaseLogger;
  /** Pauses before each attempt, the last repeated (default 0.1 s, 1 s, then every 5 s). */
  pausesMs?: readonly number[];
}

const DEFAULT_PAUSES_MS = [100, 1000, 5000];

export class ThreadLifeline {
  #thread: DatabaseThread;
  #restarting: string | undefined;
  #closed = false;
  #restarts = 0;
  readonly #options: LifelineOptions;
  /** Pauses in progress: `close` ends them early. */
  readonly #pauses = new Map<NodeJS.Timeout, () => void>();

  constructor(first: DatabaseThread, options: LifelineOptions) {
    this.#thread = first;
    this.#options = options;
    this.#watch(first);
  }

  get thread(): DatabaseThread {
    return this.#thread;
  }

  /** How many times the thread has been started again. */
  get restarts(): number {
    return this.#restarts;
  }

  /** The current thread's state; while a dead one is being replaced, `broken` says so. */
  get state(): DatabaseThreadState {
    return this.#restarting ? { broken: this.#restarting } : this.#thread.state;
  }

  /** Stops restarting and closes the current thread. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const [timer, resolve] of this.#pauses) {
      clearTimeout(timer);
      resolve();
    }
    this.#pauses.clear();
    await this.#thread.close();
  }

  #watch(thread: DatabaseThread): void {
    thread.onBroken((reason) => {
      if (this.#closed || !this.#options.restart || thread !== this.#thread) return;
      void this.#restart(reason);
    });
  }

  async #restart(reason: string): Promise<void> {
    const { logger, start, onThread } = this.#options;
    const pauses = this.#options.pausesMs ?? DEFAULT_PAUSES_MS;
    logger?.warn({ reason }, 'the embedded database stopped; opening it again in a new thread');
    for (let attempt = 0; !this.#closed; attempt++) {
      this.#restarting = `${reason}; opening it again (attempt ${attempt + 1})`;
      await this.#pause(pauses[Math.min(attempt, pauses.length - 1)]);
      if (this.#closed) return;
      try {
        const thread = await start();
        if (this.#closed) return void (await thread.close());
        this.#thread = thread;
        this.#restarting = undefined;
        this.#restarts++;
        this.#watch(thread);
        onThread(thread);
        logger?.info(`the embedded database is open again (after ${attempt + 1} attempt${attempt ? 's' : ''})`);
        return;
      } catch (e) {
        logger?.warn(
          { reason: (e as Error)?.message ?? String(e), attempt: attempt + 1 },
          'the embedded database could not be opened again; trying again',
        );
      }
    }
  }

  #pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pauses.delete(timer);
        resolve();
      }, ms);
      this.#pauses.set(timer, resolve);
    });
  }
}
