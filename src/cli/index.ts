#!/usr/bin/env node
import { ConfigError, flagsToEnv, loadConfig } from '../config.js';

const USAGE = `Usage: idprofiles <command> [options]

Commands:
  serve                      HTTP API (+ in-process job worker); the default
  worker                     job worker only (scale-out on PostgreSQL)
  migrate                    apply database migrations
  clients create [--name N] [--authority ORG_ADMIN|API] [--scope S]...
  clients list
  clients revoke CLIENT_ID    (clients: on a data folder a running server holds, that server does it)
  load SOURCE FILE.csv [--dry-run] [--allow-deletes N]
                             upload accounts to a running server, with progress (--dry-run: only
                             report what it would do; --allow-deletes: past the source's deleteThreshold)
  demo                       put a sample HR population (1,000 people) on a running server: a source,
                             a profile with typical mappings, the accounts loaded and processed
  process PROFILE [--dry-run]  process a profile's identities on a running server, with progress
                             (load/process/demo: --url URL, --client-id/--client-secret or IDPROFILES_CLIENT_ID/_SECRET)
  transforms test FILE...    evaluate transform test-vector files
  transforms eval [FILE|-]   evaluate one transform definition

Options for serve/worker/migrate/clients (or the environment variable):
  --port (PORT), --host (HOST), --database-url (DATABASE_URL), --data-dir (IDPROFILES_DATA_DIR),
  --client-id / --client-secret (IDPROFILES_CLIENT_ID / _SECRET), --rate-limit (IDPROFILES_RATE_LIMIT),
  --log-level (LOG_LEVEL)
`;

async function main(argv: string[]): Promise<number> {
  const [command = 'serve', ...rest] = argv;
  switch (command) {
    case 'serve': {
      const { serve } = await import('../main.js');
      await serve(loadConfig({ ...process.env, ...flagsToEnv(rest) }));
      return -1; // keeps running
    }
    case 'worker': {
      const { runWorker } = await import('./worker.js');
      await runWorker(loadConfig({ ...process.env, ...flagsToEnv(rest) }));
      return -1;
    }
    case 'migrate': {
      const { runMigrate } = await import('./admin.js');
      return runMigrate(loadConfig({ ...process.env, ...flagsToEnv(rest) }));
    }
    case 'clients': {
      const { runClients } = await import('./clients.js');
      return runClients(rest);
    }
    case 'load': {
      const { runLoad } = await import('./load-process.js');
      return runLoad(rest);
    }
    case 'process': {
      const { runProcess } = await import('./load-process.js');
      return runProcess(rest);
    }
    case 'demo': {
      const { runDemo } = await import('./demo.js');
      return runDemo(rest);
    }
    case 'transforms': {
      const { transformsCommand } = await import('./transforms.js');
      return transformsCommand(rest, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin });
    }
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(`Unknown command '${command}'.\n\n${USAGE}`);
      return 2;
  }
}

/** Errors that say what to do in their message: printed without a stack. */
const EXPECTED = new Set(['RemoteError', 'DataFolderInUseError', 'DataFolderLockError', 'AdminRequestError']);

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (e) => {
    const expected = e instanceof ConfigError || EXPECTED.has((e as Error)?.name) || (e as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(expected ? `${(e as Error).message}\n` : `${(e as Error).stack ?? String(e)}\n`);
    process.exit(e instanceof ConfigError ? 2 : 1);
  },
);
