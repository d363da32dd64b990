import { buildApp } from './app.js';
import { adminRequests } from './cli/admin-requests.js';
import { loadConfig, type Config } from './config.js';
import { createDatabase, migrateToLatest } from './db/database.js';
import { apiClientRepository } from './db/repositories/clients.js';
import { failInterruptedLoads } from './domain/accounts/load.js';
import { ensureAdminClient } from './domain/clients/service.js';
import { createLogger } from './logger.js';
import { createServices } from './services.js';

/** `idprofiles serve`: config → database → migrations → services (+ in-process worker) → HTTP. */
export async function serve(config: Config): Promise<void> {
  const started = Date.now();
  const logger = createLogger(config.logLevel);
  const database = await createDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const applied = await migrateToLatest(database);
  if (applied.length) logger.info({ applied }, 'migrations applied');
  const admin = await ensureAdminClient(apiClientRepository(database.db), config);
  if (admin && 'created' in admin) printAdminCredentials(admin.created);
  if (admin && 'revoked' in admin) logger.warn({ clientId: admin.revoked.id, revokedAt: admin.revoked.at }, 'the configured admin client (IDPROFILES_CLIENT_ID) is revoked and stays revoked: configure another client id to have one');
  database.dataFolder?.serve(adminRequests(apiClientRepository(database.db), logger)); // `idprofiles clients …` while we run
  const services = await createServices(database, { config, logger, runJobs: true, jobExpireSeconds: config.jobExpireSeconds, chunkSize: config.chunkSize, chunkConcurrency: config.chunkConcurrency });
  // embedded: this process owns the database, so any unfinished upload is from a previous run
  const interrupted = await failInterruptedLoads(services.ctx, database.kind === 'pglite' ? 0 : 300);
  if (interrupted) logger.warn({ tasks: interrupted }, 'marked interrupted account loads as failed');
  const app = await buildApp({ services, config, logger });
  await app.listen({ port: config.port, host: config.host });
  logger.info({ ms: Date.now() - started, database: database.kind }, 'ready');
  onShutdown(async () => {
    logger.info('shutting down');
    await app.close(); // finishes in-flight requests
    await services.close();
    await database.close();
  });
}

function printAdminCredentials(admin: { id: string; secret: string }) {
  process.stdout.write(
    `\nCreated an admin API client (shown once; store the secret now):\n  IDPROFILES_CLIENT_ID=${admin.id}\n  IDPROFILES_CLIENT_SECRET=${admin.secret}\n\n`,
  );
}

/** SIGTERM/SIGINT: shut down once, gracefully; a second signal forces exit. */
export function onShutdown(fn: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    fn().then(
      () => process.exit(0),
      (e) => {
        process.stderr.write(`shutdown after ${signal} failed: ${String(e)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => handler('SIGTERM'));
  process.on('SIGINT', () => handler('SIGINT'));
}

export { loadConfig };
