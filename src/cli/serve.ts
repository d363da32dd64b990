import { buildApp } from '../app.js';
import type { Config } from '../config.js';
import { createDatabase, migrateToLatest } from '../db/database.js';
import { apiClientRepository } from '../db/repositories/clients.js';
import { ensureAdminClient } from '../domain/clients/service.js';
import { serveMetrics } from '../metrics.js';
import { processLogger } from '../logger.js';
import { createServices } from '../services.js';
import { adminRequests } from './admin-requests.js';
import { databaseOptions, onShutdown, serviceOptions } from './process.js';

/** `idprofiles serve`: config → database → migrations → services (+ in-process worker) → HTTP. */
export async function serve(config: Config): Promise<void> {
  const started = Date.now();
  const logger = processLogger(config);
  const database = await createDatabase(databaseOptions(config, logger));
  const applied = await migrateToLatest(database);
  if (applied.length) logger.info({ applied }, 'migrations applied');
  const admin = await ensureAdminClient(apiClientRepository(database.db), config);
  if (admin && 'created' in admin) printAdminCredentials(admin.created);
  if (admin && 'revoked' in admin)
    logger.warn(
      { clientId: admin.revoked.id, revokedAt: admin.revoked.at },
      'the configured admin client (IDPROFILES_CLIENT_ID) is revoked and stays revoked: configure another client id to have one',
    );
  database.dataFolder?.serve(adminRequests(apiClientRepository(database.db), logger)); // `idprofiles clients …` while we run
  const services = await createServices(database, serviceOptions(config, logger));
  const app = await buildApp({ services, config, logger });
  await app.listen({ port: config.port, host: config.host });
  const metricsServer =
    typeof config.metrics === 'object'
      ? await serveMetrics(services.metrics, config.metrics.port, config.host)
      : undefined;
  logger.info(
    {
      ms: Date.now() - started,
      database: database.kind,
      ...(metricsServer ? { metricsPort: (metricsServer.address() as { port: number }).port } : {}),
    },
    'ready',
  );
  onShutdown(async () => {
    logger.info('shutting down');
    metricsServer?.close();
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
