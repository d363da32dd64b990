import { createHash, randomBytes } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { link, mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import type { Database } from './database.js';
import { listenAsHolder, probe, type Holder, type Listening, type RequestHandler } from './data-folder-socket.js';

/**
 * One process at a time opens a PGlite data folder: two would each cache and write the same files
 * and corrupt them. Node has no flock, so the lock is a Unix domain socket the holder listens on
 * inside the folder: a listening socket dies with its process (crash, SIGKILL, power cut), so
 * nothing stale can block the next start, and a connection that is refused proves the holder gone.
 * The same socket carries requests from other processes (admin commands while the server runs).
 *
 * Invariants (POSIX):
 * - The lock is the newest generation `.lock.<n>`: a hard link to a socket that is already
 *   listening (it listens under a private name first), so whoever finds the name can connect.
 * - A process takes the lock by linking `.lock.<top+1>` after finding `.lock.<top>` refused (or
 *   absent). `link` fails if the name exists, so of two processes taking the same generation one
 *   wins; a process that then sees a newer generation than its own lost to it and starts over.
 * - Nobody removes a name that could still be the lock: only a winner removes older generations,
 *   and a holder leaves its own (refused once it exits). Generations therefore only grow, and a
 *   process that was slow between looking and linking finds the newer one after it links.
 * Windows: a named pipe per folder, which only one process can create (libuv asks for the first
 * instance), and which also dies with its process.
 */

export interface HeldDataFolder {
  readonly folder: string;
  /** From now on, answer requests other processes send through the lock (see data-folder-socket.ts). */
  serve(handler: RequestHandler): void;
  /** Frees the folder: call after the database is closed, never before. */
  release(): Promise<void>;
}

/** Another process holds the folder. */
export class DataFolderInUseError extends Error {
  override name = 'DataFolderInUseError';
  constructor(
    readonly folder: string,
    /** Where that process listens (for `ask`). */
    readonly address: string,
    readonly holder: Holder | undefined,
    problem?: string,
  ) {
    super(
      `The data folder ${folder} is in use by ${describeHolder(holder)}${problem ? ` (${problem})` : ''}.\n` +
        'Only one process at a time may open an embedded database (two would corrupt it). Stop that process first, or give this command another --data-dir. ' +
        "While the server runs, 'idprofiles clients …' goes through it; everything else through its API.",
    );
  }
}

/** The lock could not be taken for another reason (permissions, a path too long for a socket, …). */
export class DataFolderLockError extends Error {
  override name = 'DataFolderLockError';
}

export function describeHolder(holder: Holder | undefined): string {
  return holder
    ? `another process: pid ${holder.pid} (${holder.command}) on ${holder.host}, since ${holder.since}`
    : 'another process (it did not say which)';
}

/** Opens a PGlite database under the lock of its data folder (`memory://` needs none). */
export async function withDataFolderLock(dataDir: string, open: () => Promise<Database>): Promise<Database> {
  if (dataDir.startsWith('memory://')) return open();
  const lock = await lockDataFolder(dataDir);
  let database: Database;
  try {
    database = await open();
  } catch (e) {
    await lock.release();
    throw e;
  }
  return {
    ...database,
    dataFolder: { serve: (handler) => lock.serve(handler) },
    close: async () => {
      try {
        await database.close();
      } finally {
        await lock.release();
      }
    },
  };
}

export interface LockOptions {
  /** Tests: hold this process between finding the lock free and linking its own (the race window). */
  beforeLink?: () => Promise<void>;
}

/** Takes the folder (creating it, owner-only, if missing) or throws DataFolderInUseError at once. */
export async function lockDataFolder(dataDir: string, options: LockOptions = {}): Promise<HeldDataFolder> {
  const folder = resolve(dataDir);
  const holder: Holder = {
    pid: process.pid,
    command: commandLine(),
    since: new Date().toISOString(),
    host: hostname(),
  };
  let handler: RequestHandler | undefined;
  const listen = (address: string) => listenAsHolder(address, holder, () => handler);
  const take = async () => {
    await mkdir(folder, { recursive: true, mode: 0o700 });
    return process.platform === 'win32' ? holdPipe(folder, listen) : holdGeneration(folder, holder, listen, options);
  };
  const server = await take().catch((e: NodeJS.ErrnoException) => {
    if (e instanceof DataFolderInUseError || e instanceof DataFolderLockError) throw e;
    const hint = e.code === 'EACCES' || e.code === 'EPERM' ? ' Run this command as the user that owns the folder.' : '';
    throw new DataFolderLockError(`Cannot take the lock of the data folder ${folder}: ${e.message}.${hint}`);
  });
  let released: Promise<void> | undefined;
  return {
    folder,
    serve: (h) => void (handler = h),
    release: () => (released ??= server.close()),
  };
}

type Listen = (address: string) => Promise<Listening>;
const GENERATION = /^\.lock\.(\d+)$/;
const ATTEMPTS = 8;

async function holdGeneration(
  folder: string,
  holder: Holder,
  listen: Listen,
  options: LockOptions,
): Promise<Listening> {
  const privateName = join(folder, `.lock-${randomBytes(6).toString('hex')}`);
  const server = await listen(socketAddress(privateName));
  try {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const [top = 0] = await generations(folder);
      if (top) await refuseIfHeld(folder, top);
      const mine = top + 1;
      const name = lockName(folder, mine);
      await options.beforeLink?.();
      try {
        await link(privateName, name);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue; // another process took it first
        throw e;
      }
      if ((await generations(folder))[0] > mine) {
        await unlink(name).catch(() => undefined); // a newer process got in while we looked: start over
        continue;
      }
      await unlink(privateName); // the lock's name keeps the socket reachable
      await writeHolder(folder, mine, holder);
      await removeOlderThan(folder, mine);
      return server;
    }
    throw new DataFolderLockError(
      `Could not lock the data folder ${folder}: other processes kept taking it over (${ATTEMPTS} attempts).`,
    );
  } catch (e) {
    await server.close();
    await unlink(privateName).catch(() => undefined);
    throw e;
  }
}

async function refuseIfHeld(folder: string, generation: number): Promise<void> {
  const address = socketAddress(lockName(folder, generation));
  const seen = await probe(address);
  if (!seen.live) return;
  // The holder answers at once unless its event loop is busy; its file says the same.
  const holder = seen.holder ?? (await readHolder(folder, generation));
  throw new DataFolderInUseError(folder, address, holder, seen.problem);
}

async function holdPipe(folder: string, listen: Listen): Promise<Listening> {
  const address = `\\\\.\\pipe\\idprofiles-${createHash('sha256').update(realpathSync(folder).toLowerCase()).digest('hex').slice(0, 32)}`;
  try {
    return await listen(address);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    const seen = await probe(address);
    throw new DataFolderInUseError(
      folder,
      address,
      seen.live ? seen.holder : undefined,
      seen.live ? seen.problem : undefined,
    );
  }
}

const lockName = (folder: string, generation: number) => join(folder, `.lock.${generation}`);
const holderFile = (folder: string, generation: number) => `${lockName(folder, generation)}.json`;

/** The lock generations present, newest first. */
async function generations(folder: string): Promise<number[]> {
  const numbers = (await readdir(folder))
    .map((name) => GENERATION.exec(name)?.[1])
    .filter((n): n is string => n !== undefined);
  return numbers.map(Number).sort((a, b) => b - a);
}

async function removeOlderThan(folder: string, generation: number): Promise<void> {
  for (const older of (await generations(folder)).filter((g) => g < generation)) {
    await unlink(lockName(folder, older)).catch(() => undefined);
    await unlink(holderFile(folder, older)).catch(() => undefined);
  }
}

async function writeHolder(folder: string, generation: number, holder: Holder): Promise<void> {
  const temporary = `${holderFile(folder, generation)}.${process.pid}`;
  await writeFile(temporary, JSON.stringify(holder), { mode: 0o600 });
  await rename(temporary, holderFile(folder, generation));
}

async function readHolder(folder: string, generation: number): Promise<Holder | undefined> {
  return readFile(holderFile(folder, generation), 'utf8').then(
    (text) => JSON.parse(text) as Holder,
    () => undefined,
  );
}

/**
 * Socket paths are limited to ~104 bytes (macOS; 108 on Linux) and Node silently cuts longer ones,
 * which would lock the wrong name: use the path relative to the working directory when shorter,
 * and refuse when both are too long.
 */
export function socketAddress(path: string): string {
  const relativePath = relative(process.cwd(), path);
  const shortest = relativePath && Buffer.byteLength(relativePath) < Buffer.byteLength(path) ? relativePath : path;
  if (Buffer.byteLength(shortest) > 100) {
    throw new DataFolderLockError(
      `The data folder path is too long for its lock (${Buffer.byteLength(path)} bytes; sockets allow about 100): use a shorter --data-dir, or run from a folder nearer to it.`,
    );
  }
  return shortest;
}

/** `idprofiles serve`, `idprofiles clients create`: the command without its flags (which may hold secrets). */
function commandLine(): string {
  const [, script = 'node', ...args] = process.argv;
  const words: string[] = [];
  for (const arg of args) {
    if (arg.startsWith('-') || words.length === 2) break;
    words.push(arg);
  }
  const program = /cli[\\/]index\.[jt]s$/.test(script) ? 'idprofiles' : basename(script);
  return [program, ...words].join(' ');
}
