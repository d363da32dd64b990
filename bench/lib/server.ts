import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import pg from 'pg';

export const PG_ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh PostgreSQL database for one benchmark run (dropped by `drop`). */
export async function freshDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = PG_ADMIN_URL.replace(/\/[^/?]+(\?|$)/, `/${name}$1`);
  return {
    url,
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  url: string;
  child: ChildProcess;
  /** Milliseconds from spawning the process until /health first answered 200. */
  readyMs: number;
  /** Peak resident memory so far (VmHWM), in MB. */
  peakRssMb(): number;
  /** Resident memory now (VmRSS), in MB. */
  rssMb(): number;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Node flags before the script, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  /** The child's stdout: inherited (default) or discarded (request logs at info). */
  stdout?: 'inherit' | 'ignore';
  /** Script to run instead of `dist/cli/index.js` (with `command` as its argument). */
  script?: string;
}

const statusField = (pid: number | undefined, field: string) =>
  Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

/** Starts `node dist/cli/index.js <command>` (run `npm run build` first) and waits until /health answers. */
export async function startServer(
  env: Record<string, string>,
  command = 'serve',
  options: StartOptions = {},
): Promise<RunningServer> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.script ?? 'dist/cli/index.js', command], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      IDPROFILES_RATE_LIMIT: 'off',
      ...env,
    },
    stdio: ['ignore', options.stdout ?? 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  let readyMs = NaN;
  for (let i = 0; i < 3000; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health`)).ok) {
        readyMs = performance.now() - started;
        break;
      }
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  if (Number.isNaN(readyMs)) throw new Error(`server at ${url} did not become ready in time`);
  return {
    url,
    child,
    readyMs,
    peakRssMb: () => statusField(child.pid, 'VmHWM'),
    rssMb: () => statusField(child.pid, 'VmRSS'),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** A client-credentials token for the configured admin client. */
export async function tokenFor(url: string, id: string, secret: string): Promise<Record<string, string>> {
  const res = await fetch(`${url}/oauth/token?grant_type=client_credentials&client_id=${id}&client_secret=${secret}`, {
    method: 'POST',
  });
  const body = (await res.json()) as { access_token: string };
  return { authorization: `Bearer ${body.access_token}` };
}
