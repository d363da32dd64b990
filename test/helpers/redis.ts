import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { until } from './processes.js';

/** Is `redis-server` installed? (Tests that need an outage start their own; CI must have it.) */
export function redisServerInstalled(): boolean {
  const found = spawnSync('redis-server', ['--version']).status === 0;
  if (!found && process.env.CI) throw new Error('redis-server is not installed (CI must provide it)');
  return found;
}

/**
 * A redis-server of the test's own on `port` (never the shared one), without persistence, that
 * the test stops and starts to make an outage; with `password`, it requires it (`requirepass`) and
 * `url` holds it. `start` resolves once it answers PING.
 */
export function ownRedis(port: number, options: { password?: string } = {}) {
  let child: ChildProcess | undefined;
  const { password } = options;
  return {
    url: `redis://${password ? `:${encodeURIComponent(password)}@` : ''}127.0.0.1:${port}`,
    async start() {
      child = spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--save',
          '',
          '--appendonly',
          'no',
          ...(password ? ['--requirepass', password] : []),
        ],
        { stdio: 'ignore' },
      );
      await until(
        async () => {
          const probe = new Redis(port, '127.0.0.1', {
            lazyConnect: true,
            maxRetriesPerRequest: 0,
            retryStrategy: () => null,
            password,
          });
          probe.on('error', () => {}); // refused until it is up: connect() rejects, which is the answer
          try {
            await probe.connect();
            return (await probe.ping()) === 'PONG';
          } finally {
            probe.disconnect();
          }
        },
        `redis-server on port ${port}`,
        10_000,
      );
    },
    /** Freezes the server (SIGSTOP): connections stay open, nothing answers — a hung Redis. */
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
    async stop() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        running.once('exit', () => resolve());
        running.kill('SIGKILL'); // also ends a paused one
      });
    },
  };
}
