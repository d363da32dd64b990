/**
 * bench/upload: hostile account files against a running server (from source, embedded PGlite in a
 * temporary folder). Each case
 * streams a generated multipart body (never held in memory on this side) and prints the answer,
 * the server's peak RSS (VmHWM) during the case, whether /health kept answering while the upload
 * ran (its slowest answer), and whether the server survived. Each case's peak is its own (the
 * server's VmHWM is reset before it).
 *
 *   npx tsx bench/upload.ts [case…]     cases: field600 (one 600 MiB field), big3g (3 GiB of 100 KiB
 *                                        rows), wide (600 rows of ~1 MiB), quote (an unclosed quote
 *                                        200 MiB before the end)
 *   --server=OTHER/src/cli/index.ts     run another worktree's server (the commit before a change)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, tokenFor, type RunningServer } from './lib/server.js';

const args = process.argv.slice(2);
const SERVER_SCRIPT = args.find((a) => a.startsWith('--server='))?.slice('--server='.length) ?? 'src/cli/index.ts';
const CASES = args.filter((a) => !a.startsWith('--'));
const CLIENT = { id: 'benchclient', secret: 'bench-secret-123' };
const MiB = 1024 * 1024;

/** A CSV body: `head`, then `total` bytes made of `chunk` repeated, then `tail`. */
function* csvBody(head: string, chunk: Buffer, total: number, tail: string): Generator<Buffer> {
  yield Buffer.from(head);
  let sent = 0;
  while (sent < total) {
    const piece = total - sent >= chunk.length ? chunk : chunk.subarray(0, total - sent);
    sent += piece.length;
    yield piece;
  }
  yield Buffer.from(tail);
}

const CASE_BODIES: Record<string, () => Generator<Buffer>> = {
  // one row whose second field is 600 MiB of 'a'
  field600: () => csvBody('id,blob\n1,', Buffer.alloc(MiB, 'a'), 600 * MiB, '\n'),
  // 3 GiB of well-formed rows, each with a 100 KiB field
  big3g: () => {
    const row = (i: number) => `${i},${'b'.repeat(100 * 1024)}\n`;
    let i = 0;
    const rows = Buffer.from(Array.from({ length: 10 }, () => row(++i)).join(''));
    return csvBody('id,blob\n', rows, 3 * 1024 * MiB, '');
  },
  // 600 rows of four 250 KiB values (each row ~1 MiB: within the row and value limits)
  wide: function* () {
    const value = 'w'.repeat(250 * 1024);
    yield Buffer.from('id,a,b,c,d\n');
    for (let i = 1; i <= 600; i++) yield Buffer.from(`${i},${value},${value},${value},${value}\n`);
  },
  // normal rows, then an opening quote that is never closed: the rest of the file is one field
  quote: () => csvBody('id,name\n1,ann\n2,"bob\n', Buffer.from('3,cy\n'.repeat(MiB / 5)), 200 * MiB, '\n'),
};

/** Streams a multipart upload of `body`; resolves with the status and the answer's text. */
function upload(
  server: RunningServer,
  h: Record<string, string>,
  sourceId: string,
  body: Generator<Buffer>,
): Promise<{ status: number; text: string }> {
  const boundary = '----idprofilesbench';
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.url}/v3/sources/${sourceId}/load-accounts`,
      {
        method: 'POST',
        headers: { ...h, 'content-type': `multipart/form-data; boundary=${boundary}` },
      },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', (e) => resolve({ status: 0, text: `request error: ${e.message}` }));
    req.write(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\nContent-Type: text/csv\r\n\r\n`,
    );
    const pump = () => {
      for (;;) {
        const next = body.next();
        if (next.done) {
          req.end(`\r\n--${boundary}--\r\n`);
          return;
        }
        if (req.destroyed) return;
        if (!req.write(next.value)) return void req.once('drain', pump);
      }
    };
    pump();
    void reject;
  });
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'idprofiles-upload-'));
  const server = await startServer(
    {
      IDPROFILES_DATA_DIR: dataDir,
      IDPROFILES_CLIENT_ID: CLIENT.id,
      IDPROFILES_CLIENT_SECRET: CLIENT.secret,
      IDPROFILES_TOKEN_TTL: '86400',
    },
    'serve',
    {
      script: SERVER_SCRIPT,
      nodeArgs: ['--import', 'tsx'],
      stdout: 'ignore',
    },
  );
  let exit = '';
  server.child.once('exit', (code, signal) => (exit = `exited (code ${code}, signal ${signal})`));
  try {
    const h = await tokenFor(server.url, CLIENT.id, CLIENT.secret);
    console.log(`server ${SERVER_SCRIPT}, idle RSS ${server.rssMb().toFixed(0)} MB`);
    for (const name of CASES.length ? CASES : Object.keys(CASE_BODIES)) {
      if (exit) break;
      const source = (await (
        await fetch(`${server.url}/v3/sources`, {
          method: 'POST',
          headers: { ...h, 'content-type': 'application/json' },
          body: JSON.stringify({ name: `src-${name}` }),
        })
      ).json()) as { id: string };
      // VmHWM back to the current RSS, so each case reports its own peak (Linux: clear_refs 5)
      writeFileSync(`/proc/${server.child.pid}/clear_refs`, '5');
      const before = server.rssMb();
      let slowestHealth = 0;
      let healthFailures = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling && !exit) {
          const start = performance.now();
          try {
            if (!(await fetch(`${server.url}/health`)).ok) healthFailures++;
          } catch {
            healthFailures++;
          }
          slowestHealth = Math.max(slowestHealth, performance.now() - start);
          await new Promise((r) => setTimeout(r, 200));
        }
      })();
      const started = performance.now();
      const res = await upload(server, h, source.id, CASE_BODIES[name]());
      sampling = false;
      await sampler;
      const peak = exit ? NaN : server.peakRssMb();
      console.log(
        `${name}: ${res.status} in ${((performance.now() - started) / 1000).toFixed(1)} s; ${res.text.slice(0, 300)}`,
      );
      console.log(
        `  server RSS before ${before.toFixed(0)} MB, peak during the case ${peak.toFixed(0)} MB; slowest /health ${slowestHealth.toFixed(0)} ms, ${healthFailures} failed; ${exit || 'server alive'}`,
      );
    }
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
