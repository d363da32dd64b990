import type { Config } from '../config.js';
import { createDatabase, migrateToLatest } from '../db/database.js';

/** Opens the configured database, runs `fn`, and always closes it. */
export async function withDatabase<T>(
  config: Pick<Config, 'databaseUrl' | 'dataDir'>,
  fn: (db: Awaited<ReturnType<typeof createDatabase>>) => Promise<T>,
): Promise<T> {
  const database = await createDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrateToLatest(database);
    return await fn(database);
  } finally {
    await database.close();
  }
}

/** `idprofiles migrate`. */
export async function runMigrate(config: Config): Promise<number> {
  const database = await createDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const applied = await migrateToLatest(database);
    process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'Database is up to date.\n');
    return 0;
  } finally {
    await database.close();
  }
}
