import type { PGliteOptions } from '@electric-sql/pglite';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type pg from 'pg';
import { serialize } from 'pg-protocol';
import { Parser } from 'pg-protocol/dist/parser.js';
import type { BackendMessage } from 'pg-protocol/dist/messages.js';

/**
 * The embedded database in a thread of its own (pglite-thread.ts), reached by pg's own Client as
 * if over a socket: `DatabaseThread` carries the wire protocol's bytes to the thread and back,
 * `ThreadConnection` is the Connection that pg's Client talks to (the part of pg that normally
 * writes to and parses from a TCP socket).
 *
 * Why a thread: PGlite runs each statement synchronously on the thread that calls it. On the
 * server's own thread, a job's 500-row insert held every request for its whole duration, and
 * processing evaluated mappings and ran SQL on the same core by turns. In its own thread a
 * statement holds only the database; the server goes on reading requests, evaluating mappings
 * and answering what needs no database (bench/pglite-responsiveness, BENCHMARKS.md).
 */

export interface DatabaseThreadOptions {
  dataDir: string;
  startParams: string[];
  /** `memory://`: the empty cluster to load (PGlite's gzipped tar, see pglite.ts). */
  tarball?: string;
  /** PostgreSQL's WebAssembly, compiled once per process (`compiledPGlite`); a thread compiling its own took seconds. */
  wasmModule?: CompiledWasm;
}

/** A compiled WebAssembly module, as PGlite takes it. */
type CompiledWasm = NonNullable<PGliteOptions['pgliteWasmModule']>;

let compiled: Promise<CompiledWasm> | undefined;

/**
 * PGlite's WebAssembly, compiled once in this process and shared by every database thread (a
 * compiled module passes to a worker without being compiled again). Each thread is a new isolate:
 * on its own it compiled the ~9 MB module anew, which made opening an embedded database 2–3 s
 * slower (tests open one per file).
 */
function compiledPGlite(): Promise<CompiledWasm> {
  return (compiled ??= (async () => {
    const dist = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
    // (our compiler settings declare no WebAssembly global: Node has it, TypeScript's DOM lib would)
    const wasm = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<CompiledWasm> } })
      .WebAssembly;
    return wasm.compile(await readFile(join(dist, 'pglite.wasm')));
  })());
}

export type ToDatabaseThread = { type: 'exec'; id: number; bytes: Uint8Array } | { type: 'close' };
export type FromDatabaseThread =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'answer'; id: number; bytes: Uint8Array }
  | { type: 'broken'; message: string }
  | { type: 'closed' };

/**
 * The thread's JavaScript heap. What it allocates (views of the pages PGlite reads and writes, the
 * protocol's bytes) dies young; V8's default young generation (16 MB semi-spaces) let enough of it
 * survive into the old generation to grow the thread's heap to ~140 MB while processing 100,000
 * identities (bench/pglite-responsiveness).
 */
const THREAD_HEAP = { maxYoungGenerationSizeMb: 2 };

/**
 * Starts the thread's module: the compiled .js next to this one, or — sources run by tsx or vitest
 * (development, tests) — the .ts source, through tsx's loader registered in that thread.
 */
function startThread(options: DatabaseThreadOptions): Worker {
  const js = new URL('./pglite-thread.js', import.meta.url);
  if (existsSync(js)) return new Worker(js, { workerData: options, resourceLimits: THREAD_HEAP });
  const ts = new URL('./pglite-thread.ts', import.meta.url).href;
  const viaTsx = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(ts)}); })`;
  return new Worker(viaTsx, { eval: true, workerData: options, resourceLimits: THREAD_HEAP });
}

/** What the thread is doing now, for /health: a statement that runs long is busy, a dead thread is broken. */
export interface DatabaseThreadState {
  /** Set when the thread has died or PGlite failed: every statement fails from then on. */
  broken?: string;
  /** Since when (performance.now()) the thread has been running what it was last sent, if anything. */
  busySince?: number;
}

export class DatabaseThread {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (bytes: Uint8Array) => void; reject: (e: Error) => void }>();
  #nextId = 1;
  #broken: string | undefined;
  #busySince: number | undefined;
  #closed: Promise<void> | undefined;
  readonly #brokenListeners: Array<(reason: string) => void> = [];

  private constructor(worker: Worker) {
    this.#worker = worker;
  }

  /** Starts the thread and opens the database in it; rejects with PGlite's message when it cannot. */
  static async start(options: DatabaseThreadOptions): Promise<DatabaseThread> {
    const worker = startThread({ ...options, wasmModule: await compiledPGlite() });
    const thread = new DatabaseThread(worker);
    await new Promise<void>((resolve, reject) => {
      const onMessage = (m: FromDatabaseThread) => {
        if (m.type === 'ready') done(resolve);
        else if (m.type === 'failed') done(() => reject(new Error(m.message)));
      };
      const onError = (e: Error) => done(() => reject(e));
      const onExit = (code: number) =>
        done(() => reject(new Error(`the embedded database's thread exited (${code}) while opening`)));
      function done(then: () => void) {
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        then();
      }
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    });
    worker.on('message', (m: FromDatabaseThread) => thread.#receive(m));
    worker.on('error', (e) => thread.#fail(`the embedded database failed: ${e.message}`));
    worker.on('exit', (code) => thread.#fail(`the embedded database's thread exited (${code})`));
    return thread;
  }

  get state(): DatabaseThreadState {
    return { broken: this.#broken, busySince: this.#pending.size ? this.#busySince : undefined };
  }

  /** Runs protocol messages; resolves with the database's answer (bytes). In order of the calls. */
  exec(bytes: Uint8Array): Promise<Uint8Array> {
    if (this.#broken) return Promise.reject(new Error(this.#broken));
    const id = this.#nextId++;
    if (!this.#pending.size) this.#busySince = performance.now();
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ type: 'exec', id, bytes } satisfies ToDatabaseThread, [bytes.buffer as ArrayBuffer]);
    });
  }

  /** Calls `listener` once, when the thread dies or PGlite fails (not on `close`). */
  onBroken(listener: (reason: string) => void): void {
    if (this.#broken) return void queueMicrotask(() => listener(this.#broken!));
    this.#brokenListeners.push(listener);
  }

  /** Ends the thread at once, as a crash would: what it was running fails, nothing is closed cleanly. */
  async kill(): Promise<void> {
    await this.#worker.terminate();
  }

  /** Closes the database (after what was sent before) and ends the thread. */
  close(): Promise<void> {
    return (this.#closed ??= (async () => {
      if (this.#broken) return void (await this.#worker.terminate());
      const closed = new Promise<void>((resolve) => {
        this.#worker.on('message', (m: FromDatabaseThread) => m.type === 'closed' && resolve());
        this.#worker.once('exit', () => resolve());
      });
      this.#worker.postMessage({ type: 'close' } satisfies ToDatabaseThread);
      await closed;
      await this.#worker.terminate();
    })());
  }

  #receive(m: FromDatabaseThread): void {
    if (m.type === 'answer') {
      const waiter = this.#pending.get(m.id);
      this.#pending.delete(m.id);
      this.#busySince = performance.now();
      waiter?.resolve(m.bytes);
    } else if (m.type === 'broken') {
      this.#fail(`the embedded database failed: ${m.message}`);
    }
  }

  #fail(reason: string): void {
    if (this.#closed && !this.#broken) return; // a close we asked for
    if (this.#broken) return;
    this.#broken = reason;
    for (const { reject } of this.#pending.values()) reject(new Error(reason));
    this.#pending.clear();
    for (const listener of this.#brokenListeners.splice(0)) listener(reason);
  }
}

/**
 * pg's Connection over a `DatabaseThread`: what pg's Client writes is serialized as on a socket and
 * sent; the answer's bytes are parsed by pg's own parser and emitted as the socket's would be.
 * Messages written in the same turn (a statement's parse, bind, describe, execute and sync) go to
 * the thread together, in one exchange.
 */
export class ThreadConnection extends EventEmitter {
  readonly #thread: DatabaseThread;
  readonly #parser = new Parser();
  #batch: Buffer[] = [];
  #ended = false;
  // what pg's Client reads of its Connection
  _connecting = false;
  stream = { destroy: () => this.end() };
  parsedStatements: Record<string, string> = {};
  submittedNamedStatements: Record<string, string> = {};

  constructor(thread: DatabaseThread) {
    super();
    this.#thread = thread;
  }

  connect(): void {
    this._connecting = true;
    // the thread has opened the database already: the session is ready (no startup, no password)
    process.nextTick(() => {
      this.emit('connect');
      this.emit('readyForQuery', {});
    });
  }

  requestSsl(): void {}
  startup(): void {}
  cancel(): void {}
  password(): void {}
  ref(): void {}
  unref(): void {}

  query(text: string): void {
    this.#send(serialize.query(text));
  }
  parse(query: Parameters<typeof serialize.parse>[0]): void {
    this.#send(serialize.parse(query));
  }
  bind(config: Parameters<typeof serialize.bind>[0]): void {
    this.#send(serialize.bind(config));
  }
  execute(config: Parameters<typeof serialize.execute>[0]): void {
    this.#send(serialize.execute(config));
  }
  describe(msg: Parameters<typeof serialize.describe>[0]): void {
    this.#send(serialize.describe(msg));
  }
  close(msg: Parameters<typeof serialize.close>[0]): void {
    this.#send(serialize.close(msg));
  }
  flush(): void {
    this.#send(serialize.flush());
  }
  sync(): void {
    this.#send(serialize.sync());
  }
  sendCopyFromChunk(chunk: Buffer): void {
    this.#send(serialize.copyData(chunk));
  }
  endCopyFrom(): void {
    this.#send(serialize.copyDone());
  }
  sendCopyFail(message: string): void {
    this.#send(serialize.copyFail(message));
  }
  sendSASLInitialResponseMessage(): void {}
  sendSCRAMClientFinalMessage(): void {}

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    process.nextTick(() => this.emit('end'));
  }

  #send(bytes: Buffer): void {
    if (this.#ended) return;
    if (this.#batch.push(bytes) > 1) return;
    queueMicrotask(() => {
      const batch = Buffer.concat(this.#batch);
      this.#batch = [];
      this.#thread.exec(batch).then(
        (answer) =>
          this.#parser.parse(
            Buffer.from(answer.buffer, answer.byteOffset, answer.byteLength),
            (msg: BackendMessage) => {
              this.emit('message', msg);
              this.emit(msg.name === 'error' ? 'errorMessage' : msg.name, msg);
            },
          ),
        (e: Error) => this.emit('error', e),
      );
    });
  }
}

/** A pg Client on the thread's one session (what pg.Client needs: a Connection of its own). */
export function clientOnThread<C extends pg.Client>(
  Client: new (config: pg.ClientConfig) => C,
  thread: DatabaseThread,
): C {
  const client = new Client({ connection: new ThreadConnection(thread) } as unknown as pg.ClientConfig);
  // When the thread dies, the statements in flight fail with its reason (and a new thread takes
  // over, pglite-lifeline.ts); the Client then also emits 'error', which unheard would be thrown
  // (it was: an unhandled rejection in the exchange that saw the thread die).
  client.on('error', () => {});
  return client;
}
