import type { Logger } from 'pino';
import { buildApp } from './app.js';
import { adminRequests } from './cli/admin-requests.js';
import { loadConfig, type Config } from './config.js';
import { createDatabase, migrateToLatest, type DatabaseOptions } from './db/database.js';
import { apiClientRepository } from './db/repositories/clients.js';
import { ensureAdminClient } from './domain/clients/service.js';
import { serveMetrics } from './metrics.js';
import { processLogger } from './logger.js';
import { createServices, type ServiceOptions } from './services.js';

/** `idprofiles serve`: config → database → migrations → services (+ in-process worker) → HTTP. */
export async function serve(config: Config): Promise<void> {
  const started = Date.now();
  const logger = processLogger(config);
  const database = await createDatabase(databaseOptions(config, logger));
  const applied = await migrateToLatest(database);
  if (applied.length) logger.info({ applied }, 'migrations applied');
  const admin = await ensureAdminClient(apiClientRepository(database.db), config);
  if (admin && 'created' in admin) printAdminCredentials(admin.created);
  if (admin && 'revoked' in admin) logger.warn({ clientId: admin.revoked.id, revokedAt: admin.revoked.at }, 'the configured admin client (IDPROFILES_CLIENT_ID) is revoked and stays revoked: configure another client id to have one');
  database.dataFolder?.serve(adminRequests(apiClientRepository(database.db), logger)); // `idprofiles clients …` while we run
  const services = await createServices(database, serviceOptions(config, logger));
  const app = await buildApp({ services, config, logger });
  await app.listen({ port: config.port, host: config.host });
  const metricsServer = typeof config.metrics === 'object' ? await serveMetrics(services.metrics, config.metrics.port, config.host) : undefined;
  logger.info({ ms: Date.now() - started, database: database.kind, ...(metricsServer ? { metricsPort: (metricsServer.address() as { port: number }).port } : {}) }, 'ready');
  onShutdown(async () => {
    logger.info('shutting down');
    metricsServer?.close();
    await app.close(); // finishes in-flight requests
    await services.close();
    await database.close();
  });
}

/** The database as `serve` and `worker` open it. */
export function databaseOptions(config: Config, logger: Logger): DatabaseOptions {
  return {
    databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger,
    poolSize: config.dbPoolSize, reservedConnections: config.dbReservedConnections, connectTimeoutMs: config.dbConnectTimeoutMs,
  };
}

/** Services (with job handlers) as `serve` and `worker` run them. */
export function serviceOptions(config: Config, logger: Logger): ServiceOptions {
  return {
    config, logger, runJobs: true, jobExpireSeconds: config.jobExpireSeconds, chunkSize: config.chunkSize, chunkConcurrency: config.chunkConcurrency,
    taskStaleSeconds: config.taskStaleSeconds,
    processingSchedule: config.processingSchedule === 'off' ? 'off' : { cron: config.processingSchedule, timeZone: config.processingTimeZone },
  };
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
