import { linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DataFolderInUseError,
  DataFolderLockError,
  lockDataFolder,
  type HeldDataFolder,
} from '../../src/db/data-folder-lock.js';
import { ask } from '../../src/db/data-folder-socket.js';

const listen = (path: string, onConnection: (socket: import('node:net').Socket) => void = () => undefined) =>
  new Promise<Server>((resolve) => {
    const server = createServer(onConnection);
    server.listen(path, () => resolve(server));
  });

/**
 * A socket file whose process is gone, as a crash leaves it: linked under the lock's name while
 * listening, then closed (closing removes only the name it listened on).
 */
async function leaveStaleLock(folder: string, generation: number) {
  const server = await listen(join(folder, 'crashed.sock'));
  linkSync(join(folder, 'crashed.sock'), join(folder, `.lock.${generation}`));
  await new Promise((done) => server.close(done));
}

/** The lock of a PGlite data folder, in one process (the child-process cases are in test/cli/data-folder.test.ts). */
describe.skipIf(process.platform === 'win32')('data folder lock', () => {
  const root = mkdtempSync(join(tmpdir(), 'idp-lock-'));
  let n = 0;
  const newFolder = () => join(root, String(++n));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** A gate the contenders wait at until `open()`; `arrived` resolves once `count` of them wait there. */
  function gate(count: number) {
    let open!: () => void;
    let arrive!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    const arrived = new Promise<void>((resolve) => (arrive = resolve));
    let waiting = 0;
    const wait = async () => {
      if (++waiting === count) arrive();
      await opened;
    };
    return { wait, arrived, open };
  }

  const settle = async (attempts: Array<Promise<HeldDataFolder>>) => {
    const results = await Promise.allSettled(attempts);
    const won = results
      .filter((a): a is PromiseFulfilledResult<HeldDataFolder> => a.status === 'fulfilled')
      .map((a) => a.value);
    const refused = results
      .filter((a): a is PromiseRejectedResult => a.status === 'rejected')
      .map((a) => a.reason as Error);
    return { won, refused };
  };

  it('lets exactly one of many processes that found the folder free at the same moment take it, also over a stale lock', async () => {
    for (const stale of [0, 3]) {
      const folder = newFolder();
      mkdirSync(folder);
      if (stale) await leaveStaleLock(folder, stale);
      // all twelve have looked and found the folder free (or its lock stale) before any of them links
      const race = gate(12);
      const attempts = Array.from({ length: 12 }, () => lockDataFolder(folder, { beforeLink: race.wait }));
      await race.arrived;
      race.open();
      const { won, refused } = await settle(attempts);
      expect(won).toHaveLength(1);
      expect(refused).toHaveLength(11);
      for (const e of refused) {
        expect(e).toBeInstanceOf(DataFolderInUseError);
        expect(e.message).toContain(`The data folder ${folder} is in use by another process: pid ${process.pid}`);
        expect(e.message).toContain('Stop that process first');
      }
      // the winner's generation is the only lock left, and nothing else was left behind
      expect(readdirSync(folder).sort()).toEqual([`.lock.${stale + 1}`, `.lock.${stale + 1}.json`]);
      await won[0].release();
    }
  });

  it('does not let a process that was slow between looking and linking take a folder another took meanwhile', async () => {
    const folder = newFolder();
    mkdirSync(folder);
    await leaveStaleLock(folder, 5);
    const slow = gate(1);
    const late = lockDataFolder(folder, { beforeLink: slow.wait }); // found 5 stale, will link 6
    await slow.arrived;
    const first = await lockDataFolder(folder); // takes 6 …
    await first.release(); // … and leaves it stale
    const holder = await lockDataFolder(folder); // takes 7, removes 5 and 6
    slow.open(); // the slow one links 6 (free again), then finds 7 and must give way
    const refused = await late.catch((e) => e);
    expect(refused).toBeInstanceOf(DataFolderInUseError);
    expect(readdirSync(folder).sort()).toEqual(['.lock.7', '.lock.7.json']);
    await holder.release();
  });

  it('is free again once released, and the next holder takes a newer generation', async () => {
    const folder = newFolder();
    const first = await lockDataFolder(folder);
    await expect(lockDataFolder(folder)).rejects.toBeInstanceOf(DataFolderInUseError);
    await first.release();
    const second = await lockDataFolder(folder);
    expect(
      readdirSync(folder)
        .filter((f) => f.startsWith('.lock'))
        .sort(),
    ).toEqual(['.lock.2', '.lock.2.json']);
    await second.release();
  });

  it('makes a new folder owner-only and its socket 0600 (whoever can connect may send requests)', async () => {
    const folder = newFolder();
    const held = await lockDataFolder(folder);
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    expect(statSync(join(folder, '.lock.1')).mode & 0o777).toBe(0o600);
    await held.release();
  });

  it('answers requests once the holder serves them, and says it does not before', async () => {
    const folder = newFolder();
    const held = await lockDataFolder(folder);
    const address = join(folder, '.lock.1');
    expect(await ask(address, { op: 'ping' })).toEqual({
      ok: false,
      code: 'NOT_SERVING',
      message: expect.stringContaining('does not take requests'),
    });
    held.serve(async (request) => ({ echo: request }));
    expect(await ask(address, { op: 'ping' })).toEqual({ ok: true, result: { echo: { op: 'ping' } } });
    held.serve(async () => {
      throw new Error('Unknown authority ROOT');
    });
    expect(await ask(address, {})).toEqual({ ok: false, code: 'FAILED', message: 'Unknown authority ROOT' });
    await held.release();
  });

  it('frees the folder at release even while another process is connected and silent', async () => {
    const folder = newFolder();
    const held = await lockDataFolder(folder);
    const idle = createConnection(join(folder, '.lock.1'));
    const closed = once(idle, 'close');
    await once(idle, 'data'); // the holder said who it is; this one now says nothing
    await held.release(); // would wait for the idle connection's 10 s timeout (past this test's limit) if it did not end it
    await closed;
    await (await lockDataFolder(folder)).release();
  }, 5_000);

  it('names the holder from its file when it is too busy to say (its event loop blocked)', async () => {
    const folder = newFolder();
    mkdirSync(folder);
    const silent = await listen(join(folder, 'busy.sock'));
    linkSync(join(folder, 'busy.sock'), join(folder, '.lock.7'));
    writeFileSync(
      join(folder, '.lock.7.json'),
      JSON.stringify({ pid: 4242, command: 'idprofiles serve', since: '2026-01-02T03:04:05.000Z', host: 'box' }),
    );
    const refused = await lockDataFolder(folder).catch((e) => e);
    expect(refused).toBeInstanceOf(DataFolderInUseError);
    expect(refused.message).toContain('pid 4242 (idprofiles serve) on box, since 2026-01-02T03:04:05.000Z');
    await new Promise((done) => silent.close(done));
  });

  it('refuses a folder whose socket path would be cut short, instead of locking another name', async () => {
    const folder = join(root, 'x'.repeat(120));
    const refused = await lockDataFolder(folder).catch((e) => e);
    expect(refused).toBeInstanceOf(DataFolderLockError); // printed by the CLI as a message, without a stack
    expect(refused.message).toMatch(/^The data folder path is too long for its lock/);
    expect(readdirSync(folder)).toEqual([]);
  });
});
