import { sql } from 'kysely';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { openPGlite, writePGliteTemplate } from '../../src/db/pglite.js';

const systemId = async (database: Database) =>
  String((await sql<{ id: string }>`select system_identifier::text as id from pg_control_system()`.execute(database.db)).rows[0].id);

/** New data folders made from the build's empty cluster. */
describe('PGlite', () => {
  const folder = mkdtempSync(join(tmpdir(), 'idp-pglite-'));
  afterAll(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  it('starts a new data folder and memory:// as copies of the template cluster, and keeps the folder', async () => {
    const template = await writePGliteTemplate({ dir: join(folder, 'template'), tarball: join(folder, 'template.tar.gz') });
    const fromTar = await systemIdOf('memory://');
    const dataDir = join(folder, 'data');
    const fromDir = await systemIdOf(dataDir);
    const reopened = await systemIdOf(dataDir);
    const fresh = await systemIdOf(join(folder, 'initdb'), { dir: join(folder, 'none'), tarball: join(folder, 'none.tar.gz') });
    expect(fromDir).toBe(fromTar);
    expect(reopened).toBe(fromDir);
    expect(fresh).not.toBe(fromDir); // without a template: initdb, a new cluster

    async function systemIdOf(dataDir: string, from = template) {
      const database = await openPGlite(dataDir, from);
      try {
        return await systemId(database);
      } finally {
        await database.close();
      }
    }
  }, 60_000);
});
