/**
 * The embedded database's own thread (a worker thread started by pglite-worker.ts).
 *
 * PGlite is PostgreSQL compiled to WebAssembly: every statement runs synchronously on the thread
 * that calls it. Here that is this thread, not the server's, so the server's event loop goes on
 * reading and answering requests while a statement runs (bench/pglite-responsiveness).
 *
 * It speaks PostgreSQL's wire protocol as bytes: the server's pg client writes its messages, they
 * arrive here in order, PGlite runs them, and the bytes it answers go back as they are. Nothing is
 * parsed twice and nothing of the protocol is ours.
 */
import { PGlite } from '@electric-sql/pglite';
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { FromDatabaseThread, ToDatabaseThread, DatabaseThreadOptions } from './pglite-worker.js';

const port = parentPort!;
const post = (message: FromDatabaseThread, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

const { dataDir, startParams, tarball, wasmModule } = workerData as DatabaseThreadOptions;

async function open(): Promise<PGlite> {
  return PGlite.create(dataDir, {
    startParams,
    ...(wasmModule ? { pgliteWasmModule: wasmModule } : {}),
    ...(tarball ? { loadDataDir: new Blob([readFileSync(tarball)]) } : {}),
  });
}

let pglite: PGlite;
try {
  pglite = await open();
  post({ type: 'ready' });
} catch (e) {
  post({ type: 'failed', message: (e as Error)?.message ?? String(e) });
  process.exit(1);
}

// Messages are run one after the other, in the order they were sent: one session.
let queue: Promise<unknown> = Promise.resolve();
port.on('message', (message: ToDatabaseThread) => {
  queue = queue.then(() => handle(message));
});

/**
 * Runs protocol messages and returns PGlite's answer, bytes as PostgreSQL sends them.
 * Not `execProtocolRaw`: PGlite 0.5's raw path also parses every answer into messages and keeps them
 * (its result list is emptied only by `execProtocol`), so this thread's heap grew by ~100 MB while
 * 100,000 identities were processed. The stream variant hands over the bytes only; each piece is a
 * view of PGlite's memory, copied here before the next statement reuses it.
 */
async function run(bytes: Uint8Array): Promise<Uint8Array> {
  const pieces: Uint8Array[] = [];
  let length = 0;
  await pglite.execProtocolRawStream(bytes, {
    onRawData: (piece) => {
      pieces.push(piece.slice());
      length += piece.length;
    },
  });
  if (pieces.length === 1) return pieces[0];
  const answer = new Uint8Array(length);
  let at = 0;
  for (const piece of pieces) {
    answer.set(piece, at);
    at += piece.length;
  }
  return answer;
}

async function handle(message: ToDatabaseThread): Promise<void> {
  if (message.type === 'exec') {
    try {
      const answer = await run(message.bytes);
      post({ type: 'answer', id: message.id, bytes: answer }, [answer.buffer as ArrayBuffer]);
    } catch (e) {
      // a failure of PGlite itself (WebAssembly aborted): no statement can run any more
      post({ type: 'broken', message: (e as Error)?.message ?? String(e) });
      process.exit(1);
    }
  } else if (message.type === 'close') {
    await pglite.close();
    post({ type: 'closed' });
    port.close();
  }
}
