/**
 * The passwords in DATABASE_URL and REDIS_URL never reach the console: not in a configuration
 * error, not while `serve` starts and runs at trace level, not when the connections behind them
 * are lost (sessions terminated, Redis stopped) and come back, not when a URL is refused at start.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POSTGRES_URL, postgresReachable } from '../helpers/databases.js';
import { freePort, freshDatabase, runCli, until } from '../helpers/processes.js';
import { ownRedis, redisServerInstalled } from '../helpers/redis.js';
import { CLIENT } from './served.js';

const reachable = await postgresReachable();
const PG_SECRET = 'pg-Secret-9f3a';
const REDIS_SECRET = 'redis-Secret-51c7';
const APP = 'idprofiles_secrets_under_test';

/** `url` with `password` as its user info's password (the test server trusts local connections, so any password connects). */
function withPassword(url: string, password: string): string {
  const u = new URL(url);
  u.password = password;
  return u.toString();
}

/** Everything a child process writes, as it arrives. */
function transcript(s: { child: { stdout: NodeJS.ReadableStream | null; stderr: NodeJS.ReadableStream | null } }) {
  let text = '';
  s.child.stdout!.on('data', (d) => (text += d));
  s.child.stderr!.on('data', (d) => (text += d));
  const message = (line: string) => {
    try {
      return (JSON.parse(line) as { msg?: string }).msg;
    } catch {
      return undefined; // not a log line, or one still arriving
    }
  };
  return {
    text: () => text,
    messages: () =>
      text
        .split('\n')
        .map(message)
        .filter((m) => m !== undefined),
  };
}

/** Runs `idprofiles serve` with `env` until it exits (a start that fails); its exit code and everything it wrote. */
async function failedStart(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const cli = runCli(['serve'], {
    PORT: String(await freePort()),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'trace',
    IDPROFILES_DB_CONNECT_TIMEOUT_MS: '1000',
    ...env,
  });
  const out = transcript(cli);
  const code = await new Promise<number | null>((resolve) => cli.child.once('exit', resolve));
  return { code, output: out.text() };
}

describe.skipIf(!reachable || !redisServerInstalled())(
  'passwords in DATABASE_URL and REDIS_URL (serve at trace level)',
  () => {
    let db: { url: string; drop(): Promise<void> };
    let redis: ReturnType<typeof ownRedis>;
    let server: ReturnType<typeof runCli>;
    let log: ReturnType<typeof transcript>;
    let api: (path: string) => Promise<{ status: number; body: any }>;

    beforeAll(async () => {
      db = await freshDatabase('secrets_log');
      redis = ownRedis(await freePort(), { password: REDIS_SECRET });
      await redis.start();
      const port = await freePort();
      server = runCli(['serve'], {
        ...CLIENT,
        DATABASE_URL: `${withPassword(db.url, PG_SECRET)}?application_name=${APP}`,
        REDIS_URL: redis.url,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'trace',
        IDPROFILES_RATE_LIMIT: '1000/10',
      });
      log = transcript(server); // from the first line: what start-up writes counts too
      await server.logged('ready');
      const base = `http://127.0.0.1:${port}`;
      const token = (await (
        await fetch(
          `${base}/oauth/token?grant_type=client_credentials&client_id=${CLIENT.IDPROFILES_CLIENT_ID}&client_secret=${CLIENT.IDPROFILES_CLIENT_SECRET}`,
          { method: 'POST' },
        )
      ).json()) as { access_token: string };
      api = async (path) => {
        const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token.access_token}` } });
        return { status: res.status, body: await res.json() };
      };
    }, 120_000);
    afterAll(async () => {
      await server?.kill();
      await redis?.stop();
      await db?.drop();
    });

    it("writes neither password while serving, losing Redis and the database's sessions, and recovering", async () => {
      expect(redis.url).toContain(REDIS_SECRET);
      expect((await api('/v3/sources')).status).toBe(200);
      expect((await api('/health')).body.checks.redis.status).toBe('UP'); // the password was sent, and right

      await redis.stop(); // Redis goes away: ioredis's errors are logged
      expect((await api('/v3/sources')).status).toBe(200);
      await until(async () => log.messages().some((m) => m.startsWith('Redis is unreachable')), 'the Redis warning');
      await redis.start();
      await until(async () => (await api('/health')).body.checks.redis.status === 'UP', 'Redis back');

      // PostgreSQL ends every session of the server: lost connections are logged, then it reconnects
      const admin = new pg.Client({ connectionString: POSTGRES_URL });
      await admin.connect();
      try {
        await admin.query(
          `select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and application_name = $2`,
          [new URL(db.url).pathname.slice(1), APP],
        );
      } finally {
        await admin.end();
      }
      await until(
        async () => (await api('/v3/sources')).status === 200 && log.messages().includes('database connection lost'),
        'the server to reconnect',
      );

      const messages = log.messages();
      expect(messages).toEqual(
        expect.arrayContaining([
          'request',
          'Redis answers again: rate-limit counters are shared again',
          'database connection lost',
        ]),
      );
      expect(log.text()).not.toContain(PG_SECRET);
      expect(log.text()).not.toContain(REDIS_SECRET);
    }, 120_000);

    it.each([
      [
        'a REDIS_URL ioredis cannot read (a port out of range)',
        () => ({ REDIS_URL: `redis://:${REDIS_SECRET}@127.0.0.1:99999`, DATABASE_URL: db.url }),
        2,
        /REDIS_URL is not a valid URL .*'redis:\/\/:\[redacted\]@127\.0\.0\.1:99999'/,
      ],
      [
        'a DATABASE_URL with a space',
        () => ({ DATABASE_URL: `postgres://postgres:${PG_SECRET} x@127.0.0.1:5432/db` }),
        2,
        /DATABASE_URL must be .*'postgres:\/\/postgres:\[redacted\]@127\.0\.0\.1:5432\/db'/,
      ],
      [
        'a DATABASE_URL nobody answers at',
        () => ({ DATABASE_URL: `postgres://postgres:${PG_SECRET}@127.0.0.1:1/db` }),
        1,
        /ECONNREFUSED/,
      ],
      [
        'a DATABASE_URL pg cannot parse',
        () => ({ DATABASE_URL: `postgres://postgres:${PG_SECRET}/x@127.0.0.1:5432/db` }),
        1,
        /Invalid URL/,
      ],
    ])(
      'a start refused for %s says why without the password',
      async (_what, env, code, why) => {
        const failed = await failedStart(env());
        expect(failed.code).toBe(code);
        expect(failed.output).toMatch(why);
        expect(failed.output).not.toContain(PG_SECRET);
        expect(failed.output).not.toContain(REDIS_SECRET);
      },
      60_000,
    );
  },
);
