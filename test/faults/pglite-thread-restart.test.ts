/**
 * The embedded database's thread dies (PGlite aborted, the thread out of memory): the server opens
 * the data folder again in a new thread by itself, nothing committed is lost, and until then
 * `/health`'s probe says it is down and why. `memory://` is not reopened (its data died with it).
 */
import { sql } from 'kysely';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createDatabase,
  migrateToLatest,
  probeDatabase,
  whenDatabaseAvailable,
  type Database,
} from '../../src/db/database.js';
import { until } from '../helpers/processes.js';

const folder = mkdtempSync(join(tmpdir(), 'pglite-restart-'));
const open: Database[] = [];
afterAll(async () => {
  for (const d of open) await d.close().catch(() => undefined);
  rmSync(folder, { recursive: true, force: true });
});

function capturingLogger() {
  const lines: string[] = [];
  return {
    lines,
    warn: (_: object, msg: string) => void lines.push(`warn: ${msg}`),
    info: (msg: string) => void lines.push(`info: ${msg}`),
  };
}

const rows = async (database: Database) =>
  (await sql<{ name: string }>`select name from restart_check order by name`.execute(database.db)).rows.map(
    (r) => r.name,
  );

describe('the embedded database thread dies', () => {
  it('is opened again on its data folder: what was running fails, what was committed is there, the probe says DOWN until then', async () => {
    const logger = capturingLogger();
    const database = await createDatabase({ dataDir: join(folder, 'data'), logger });
    open.push(database);
    await migrateToLatest(database);
    await sql`create table restart_check (name text primary key)`.execute(database.db);
    await sql`insert into restart_check values ('committed before')`.execute(database.db);

    // a statement in flight when the thread dies
    const running = sql`select pg_sleep(5)`.execute(database.db).then(
      () => 'finished',
      (e: Error) => e.message,
    );
    const first = database.embedded!.thread;
    await first.kill();
    expect(await running).toMatch(/embedded database's thread exited/);
    // until the new thread is open: down, and saying so
    await expect(probeDatabase(database)).rejects.toThrow(/opening it again|exited/);

    await whenDatabaseAvailable(database);
    expect(database.embedded!.restarts).toBe(1);
    expect(database.embedded!.thread).not.toBe(first);
    expect(await rows(database)).toEqual(['committed before']);
    // the new session works like the old one, prepared statements and all
    await sql`insert into restart_check values ('written after')`.execute(database.db);
    expect(await rows(database)).toEqual(['committed before', 'written after']);
    expect(logger.lines).toEqual([
      'warn: the embedded database stopped; opening it again in a new thread',
      'info: the embedded database is open again (after 1 attempt)',
    ]);

    // and again: every death is followed by a new thread
    await database.embedded!.thread.kill();
    await until(async () => database.embedded!.restarts === 2, 'a second restart');
    await whenDatabaseAvailable(database);
    expect(await rows(database)).toEqual(['committed before', 'written after']);
  }, 60_000);

  it('memory:// stays down: its data died with the thread', async () => {
    const database = await createDatabase({ dataDir: 'memory://' });
    open.push(database);
    await sql`select 1`.execute(database.db);
    await database.embedded!.thread.kill();
    await until(async () => database.embedded!.state.broken !== undefined, 'the thread to be seen dead');
    expect(database.embedded!.state.broken).toMatch(/exited/);
    expect(database.embedded!.state.broken).not.toMatch(/opening it again/);
    await expect(probeDatabase(database)).rejects.toThrow(/exited/);
    expect(database.embedded!.restarts).toBe(0);
  }, 60_000);
});
