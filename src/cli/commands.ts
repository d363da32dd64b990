import { flagsToEnv, loadConfig } from '../config.js';
import { asksForHelp, helpFor, USAGE } from './help.js';

export interface CommandOutput {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/**
 * Runs `idprofiles ARGV`; resolves with the exit code, or -1 for a command that keeps running
 * (serve, worker). Help and usage errors go to `io`.
 */
export async function runCommand(argv: string[], io: CommandOutput = process): Promise<number> {
  const [command = 'serve', ...rest] = argv;
  const help =
    command === 'help'
      ? rest[0] === undefined
        ? USAGE
        : helpFor(rest[0])
      : asksForHelp(rest)
        ? helpFor(command)
        : undefined;
  if (help !== undefined) {
    io.stdout.write(help);
    return 0;
  }
  switch (command) {
    case 'serve': {
      const { serve } = await import('./serve.js');
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
      return transformsCommand(rest, { stdout: io.stdout, stderr: io.stderr, stdin: process.stdin });
    }
    case 'help': // `help UNKNOWN`
      io.stderr.write(`Unknown command '${rest[0]}'.\n\n${USAGE}`);
      return 2;
    case '--help':
    case '-h':
      io.stdout.write(USAGE);
      return 0;
    default:
      io.stderr.write(`Unknown command '${command}'.\n\n${USAGE}`);
      return 2;
  }
}
