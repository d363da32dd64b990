import { CompiledQuery, sql } from 'kysely';
import { mkdtempSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../src/db/database.js';
import { openPGlite, PGLITE_SETTINGS, writePGliteTemplate } from '../../src/db/pglite.js';
import { prepared } from '../../src/db/pg-client.js';

const show = async (database: Database, name: string) =>
  (await sql.raw<{ value: string }>(`select current_setting('${name}') as value`).execute(database.db)).rows[0].value;
const systemId = async (database: Database) =>
  String(
    (await sql<{ id: string }>`select system_identifier::text as id from pg_control_system()`.execute(database.db))
      .rows[0].id,
  );

/** The embedded database's memory settings, and new data folders made from the build's empty cluster. */
describe('PGlite', () => {
  const folder = mkdtempSync(join(tmpdir(), 'idp-pglite-'));
  const open: Database[] = [];
  afterAll(async () => {
    for (const database of open) await database.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('runs with our shared memory settings (PostgreSQL would take 128MB of shared buffers)', async () => {
    const database = await createDatabase({ dataDir: 'memory://' });
    open.push(database);
    expect(PGLITE_SETTINGS.shared_buffers).toBe('16MB');
    expect(await show(database, 'shared_buffers')).toBe('16MB');
    expect(await show(database, 'shared_memory_size')).toBe('24MB');
  });

  it('runs the statements `prepared` names as named prepared statements, parsed once (as on PostgreSQL)', async () => {
    const database = await createDatabase({ dataDir: 'memory://' });
    open.push(database);
    const text = prepared('pglite_test_add_one', 'select $1::int + 1 as n');
    const run = async (n: number) =>
      (await database.db.executeQuery<{ n: number }>(CompiledQuery.raw(text, [n]))).rows[0].n;
    expect([await run(1), await run(41)]).toEqual([2, 42]);
    const statements = await sql<{
      name: string;
      statement: string;
    }>`select name, statement from pg_prepared_statements`.execute(database.db);
    expect(statements.rows).toContainEqual({ name: 'pglite_test_add_one', statement: text });
  });

  it('starts a new data folder and memory:// as copies of the template cluster, and keeps the folder', async () => {
    const template = await writePGliteTemplate({
      dir: join(folder, 'template'),
      tarball: join(folder, 'template.tar.gz'),
      folders: join(folder, 'template.folders.json'),
    });
    const fromTar = await systemIdOf('memory://');
    const dataDir = join(folder, 'data');
    const fromDir = await systemIdOf(dataDir);
    const reopened = await systemIdOf(dataDir);
    const fresh = await systemIdOf(join(folder, 'initdb'), {
      dir: join(folder, 'none'),
      tarball: join(folder, 'none.tar.gz'),
      folders: join(folder, 'none.json'),
    });
    expect(fromDir).toBe(fromTar);
    expect(reopened).toBe(fromDir);
    expect(fresh).not.toBe(fromDir); // without a template: initdb, a new cluster

    async function systemIdOf(dataDir: string, from = template) {
      const database = await openPGlite(dataDir, from);
      try {
        expect(await show(database, 'shared_buffers')).toBe(PGLITE_SETTINGS.shared_buffers);
        expect(await show(database, 'default_statistics_target')).toBe(PGLITE_SETTINGS.default_statistics_target);
        return await systemId(database);
      } finally {
        await database.close();
      }
    }
  }, 60_000);

  it('starts from a template that lost its empty folders, as `npm pack` ships it', async () => {
    const template = await writePGliteTemplate({
      dir: join(folder, 'packed'),
      tarball: join(folder, 'packed.tar.gz'),
      folders: join(folder, 'packed.folders.json'),
    });
    const emptied = removeEmptyFolders(template.dir);
    expect(emptied).toContain('pg_tblspc');
    const database = await openPGlite(join(folder, 'from-packed'), template);
    try {
      expect(await show(database, 'shared_buffers')).toBe(PGLITE_SETTINGS.shared_buffers);
    } finally {
      await database.close();
    }

    function removeEmptyFolders(dir: string, under = ''): string[] {
      const removed = readdirSync(join(dir, under), { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .flatMap((e) => removeEmptyFolders(dir, join(under, e.name)));
      if (under && readdirSync(join(dir, under)).length === 0) {
        rmdirSync(join(dir, under));
        removed.push(under);
      }
      return removed;
    }
  }, 60_000);
});
