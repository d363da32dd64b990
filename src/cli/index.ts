#!/usr/bin/env node
import { ConfigError } from '../config.js';
import { runCommand } from './commands.js';

/** Errors that say what to do in their message: printed without a stack. */
const EXPECTED = new Set(['RemoteError', 'DataFolderInUseError', 'DataFolderLockError', 'AdminRequestError']);

runCommand(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (e) => {
    const expected =
      e instanceof ConfigError ||
      EXPECTED.has((e as Error)?.name) ||
      (e as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(expected ? `${(e as Error).message}\n` : `${(e as Error).stack ?? String(e)}\n`);
    process.exit(e instanceof ConfigError ? 2 : 1);
  },
);
