import type { Config } from '../config.js';
import { createDatabase, migrateToLatest } from '../db/database.js';
import { apiClientRepository } from '../db/repositories/clients.js';
import { serveMetrics } from '../metrics.js';
import { processLogger } from '../logger.js';
import { databaseOptions, onShutdown, serviceOptions } from './process.js';
import { createServices } from '../services.js';
import { adminRequests } from './admin-requests.js';

/** `idprofiles worker`: runs jobs, no HTTP. Several share one PostgreSQL queue. */
export async function runWorker(config: Config): Promise<void> {
  const logger = processLogger(config);
  if (!config.databaseUrl)
    logger.warn('no DATABASE_URL: a worker on embedded PGlite cannot share work with other processes');
  const database = await createDatabase(databaseOptions(config, logger));
  await migrateToLatest(database);
  database.dataFolder?.serve(adminRequests(apiClientRepository(database.db), logger)); // `idprofiles clients …` while we run
  const services = await createServices(database, serviceOptions(config, logger));
  // a worker has no API port: its metrics only on a port of their own
  const metricsServer =
    typeof config.metrics === 'object'
      ? await serveMetrics(services.metrics, config.metrics.port, config.host)
      : undefined;
  logger.info(
    { ...(metricsServer ? { metricsPort: (metricsServer.address() as { port: number }).port } : {}) },
    'worker ready',
  );
  onShutdown(async () => {
    metricsServer?.close();
    await services.close();
    await database.close();
  });
}
