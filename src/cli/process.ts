import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { DatabaseOptions } from '../db/database.js';
import type { ServiceOptions } from '../services.js';

// What `serve` and `worker` share: how they open the database and run services, and how they stop.

/** The database as `serve` and `worker` open it. */
export function databaseOptions(config: Config, logger: Logger): DatabaseOptions {
  return {
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    logger,
    poolSize: config.dbPoolSize,
    reservedConnections: config.dbReservedConnections,
    connectTimeoutMs: config.dbConnectTimeoutMs,
  };
}

/** Services (with job handlers) as `serve` and `worker` run them. */
export function serviceOptions(config: Config, logger: Logger): ServiceOptions {
  return {
    config,
    logger,
    runJobs: true,
    jobExpireSeconds: config.jobExpireSeconds,
    chunkSize: config.chunkSize,
    chunkConcurrency: config.chunkConcurrency,
    taskStaleSeconds: config.taskStaleSeconds,
    processingSchedule:
      config.processingSchedule === 'off'
        ? 'off'
        : { cron: config.processingSchedule, timeZone: config.processingTimeZone },
  };
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
