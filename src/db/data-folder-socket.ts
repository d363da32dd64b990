import { chmod } from 'node:fs/promises';
import { createConnection, createServer, type Socket } from 'node:net';

/**
 * The socket a process holding a data folder listens on (see data-folder-lock.ts), and the few
 * lines it speaks. Every line is one JSON value:
 *
 *   holder → other:  {"holder": {pid, command, since, host}}      at once, on every connection
 *   other  → holder: a request (any JSON value)                     optional, one per connection
 *   holder → other:  {"ok": true, "result": …} | {"ok": false, "code": …, "message": …}
 *
 * Whoever can connect may send requests: the socket is made 0600 before anyone can find it, so
 * that is the folder's owner (or root), who can read and write the database files anyway.
 */

/** Who holds a data folder. */
export interface Holder {
  pid: number;
  /** e.g. `idprofiles serve` (never its flags, which may carry secrets). */
  command: string;
  /** ISO time the lock was taken. */
  since: string;
  host: string;
}

/** Answers one request from another process; throwing answers `{ok: false, message}`. */
export type RequestHandler = (request: unknown) => Promise<unknown>;

export type Reply = { ok: true; result: unknown } | { ok: false; code: 'NOT_SERVING' | 'FAILED'; message: string };

const MAX_LINE = 64 * 1024;
const IDLE_MS = 10_000;

/** A holder's listening socket; closing it also ends the conversations under way, so shutdown never waits on them. */
export interface Listening {
  close(): Promise<void>;
}

/**
 * Listens on `address` (a socket path, or a Windows pipe name), owner-only. `handler()` is read
 * per request: a process serves requests once it is ready to (`undefined` until then).
 */
export async function listenAsHolder(
  address: string,
  holder: Holder,
  handler: () => RequestHandler | undefined,
): Promise<Listening> {
  const open = new Set<Socket>();
  const server = createServer((socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    socket.setTimeout(IDLE_MS, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    socket.write(`${JSON.stringify({ holder })}\n`);
    void readLine(socket).then(async (line) => {
      if (line === undefined) return socket.end();
      socket.end(`${JSON.stringify(await answer(line, handler()))}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address, () => {
      server.off('error', reject);
      resolve();
    });
  });
  if (process.platform !== 'win32') await chmod(address, 0o600);
  return {
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        for (const socket of open) socket.destroy();
      }),
  };
}

async function answer(line: string, handler: RequestHandler | undefined): Promise<Reply> {
  if (!handler)
    return { ok: false, code: 'NOT_SERVING', message: 'it does not take requests from other processes (yet)' };
  try {
    return { ok: true, result: await handler(JSON.parse(line)) };
  } catch (e) {
    return { ok: false, code: 'FAILED', message: (e as Error).message ?? String(e) };
  }
}

/** What a connection to `address` tells: nobody listens there, or someone does (and who, if it said so in time). */
export type Probe = { live: false } | { live: true; holder?: Holder; problem?: string };

/**
 * Connects to `address`. Refused (or gone) means no process holds it: a listening socket dies with
 * its process, so this is never fooled by a crash. Any other failure counts as held (say so rather
 * than risk two owners).
 */
export async function probe(address: string, helloMs = 2_000): Promise<Probe> {
  let socket: Socket;
  try {
    socket = await connect(address);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED' || code === 'ENOENT') return { live: false };
    return { live: true, problem: `${code ?? (e as Error).message} on ${address}` };
  }
  try {
    const hello = await withTimeout(readLine(socket), helloMs);
    return { live: true, holder: hello === undefined ? undefined : (JSON.parse(hello) as { holder?: Holder }).holder };
  } catch {
    return { live: true };
  } finally {
    socket.destroy();
  }
}

/** Sends one request to the process listening on `address` and returns its reply. */
export async function ask(address: string, request: unknown, timeoutMs = 30_000): Promise<Reply> {
  const socket = await connect(address);
  try {
    const lines = readLines(socket);
    await withTimeout(lines.next(), timeoutMs); // the hello
    socket.write(`${JSON.stringify(request)}\n`);
    const reply = await withTimeout(lines.next(), timeoutMs);
    if (reply === undefined) throw new Error(`the process at ${address} closed the connection without an answer`);
    return JSON.parse(reply) as Reply;
  } finally {
    socket.destroy();
  }
}

function connect(address: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(address);
    socket.once('connect', () => {
      socket.off('error', reject);
      // a reset after this ends the conversation (readLines sees the close); it must not crash the process
      socket.on('error', () => socket.destroy());
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** The first line `socket` sends (undefined if it ends first, or sends more than MAX_LINE without one). */
function readLine(socket: Socket): Promise<string | undefined> {
  return readLines(socket).next();
}

/** Reads `socket` line by line: each `next()` resolves with the following line, or undefined at the end. */
function readLines(socket: Socket): { next(): Promise<string | undefined> } {
  let buffer = '';
  let ended = false;
  const lines: string[] = [];
  let waiting: ((line: string | undefined) => void) | undefined;
  const deliver = () => {
    if (!waiting) return;
    const line = lines.shift();
    if (line === undefined && !ended) return;
    const resolve = waiting;
    waiting = undefined;
    resolve(line);
  };
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      lines.push(buffer.slice(0, nl));
      buffer = buffer.slice(nl + 1);
    }
    if (buffer.length > MAX_LINE) socket.destroy();
    deliver();
  });
  const end = () => {
    ended = true;
    deliver();
  };
  socket.once('end', end);
  socket.once('close', end);
  return {
    next: () =>
      new Promise((resolve) => {
        waiting = resolve;
        deliver();
      }),
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
