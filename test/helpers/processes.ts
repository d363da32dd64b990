import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import pg from 'pg';
import { POSTGRES_URL } from './databases.js';

/** A fresh PostgreSQL database (for tests whose other processes connect by URL alone). */
export async function freshDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  return {
    url: POSTGRES_URL.replace(/\/[^/?]+(\?|$)/, `/${name}$1`),
    async drop() {
      const c = new pg.Client({ connectionString: POSTGRES_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export interface ChildCli {
  child: ChildProcess;
  /** Resolves when a log line's `msg` equals `message`. */
  logged(message: string): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Runs `idprofiles <args>` from source (tsx) as a child process with JSON logs on stdout. */
export function runCli(args: string[], env: Record<string, string>): ChildCli {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const seen = new Set<string>();
  const waiters: Array<{ message: string; resolve: () => void }> = [];
  let buffer = '';
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdout!.on('data', (d) => {
    buffer += d;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      try {
        const msg = JSON.parse(line).msg as string;
        seen.add(msg);
        for (const w of waiters.filter((x) => x.message === msg)) w.resolve();
      } catch {
        /* not a log line */
      }
    }
  });
  return {
    child,
    logged: (message) =>
      new Promise((resolve, reject) => {
        if (seen.has(message)) return resolve();
        waiters.push({ message, resolve });
        child.once('exit', (code) =>
          reject(new Error(`idprofiles ${args.join(' ')} exited (${code}) before logging '${message}': ${stderr}`)),
        );
      }),
    kill: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

/** Waits for a condition another process brings about (across processes there is no event to wait on). */
export async function until<T>(
  probe: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
