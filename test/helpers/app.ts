import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { buildApp } from '../../src/app.js';
import type { Config } from '../../src/config.js';
import { createDatabase, migrateToLatest } from '../../src/db/database.js';
import { apiClientRepository } from '../../src/db/repositories/clients.js';
import { createClient } from '../../src/domain/clients/service.js';
import { createServices, type ServiceOptions, type Services } from '../../src/services.js';
import { dropSchemas, POSTGRES_URL, uniqueSchema, type DbKind } from './databases.js';

export interface TestApp {
  app: FastifyInstance;
  services: Services;
  kind: DbKind;
  /** The pg-boss schema of the app's job queue. */
  queueSchema: string;
  /** A real token from POST /oauth/token for a new client with these rights. */
  token(rights?: { scopes?: string[]; authorities?: string[] }): Promise<string>;
  /** Authorization header for an ORG_ADMIN / sp:scopes:all token (made once). */
  admin(): Promise<Record<string, string>>;
  close(): Promise<void>;
}

/** The app on a fresh database: in-memory PGlite, or its own schema on PostgreSQL. `logger`: the services' (default silent). */
export async function startTestApp(
  kind: DbKind,
  options: {
    rateLimit?: Config['rateLimit'];
    taskStaleSeconds?: number;
    now?: () => Date;
    processingSchedule?: ServiceOptions['processingSchedule'];
    logger?: Logger;
  } = {},
): Promise<TestApp> {
  const schema = kind === 'postgres' ? uniqueSchema() : undefined;
  const database = await createDatabase(
    kind === 'postgres' ? { databaseUrl: POSTGRES_URL, schema, poolSize: 4 } : { dataDir: 'memory://' },
  );
  await migrateToLatest(database);
  const logger = options.logger ?? pino({ level: 'silent' });
  const queueSchema = schema ? `${schema}_boss` : 'pgboss';
  const services = await createServices(database, {
    config: { tokenTtlSeconds: 600 },
    logger,
    runJobs: true,
    queueSchema,
    pollingIntervalSeconds: 0.5,
    taskStaleSeconds: options.taskStaleSeconds,
    now: options.now,
    processingSchedule: options.processingSchedule,
  });
  const app = await buildApp({
    services,
    config: { rateLimit: options.rateLimit ?? 'off', logLevel: 'silent' },
    logger: false,
  });
  await app.ready();
  let adminHeader: Record<string, string> | undefined;

  const token = async (rights: { scopes?: string[]; authorities?: string[] } = {}) => {
    const { client, secret } = await createClient(apiClientRepository(database.db), { name: 'test', ...rights });
    const res = await app.inject({
      method: 'POST',
      url: '/oauth/token',
      payload: `grant_type=client_credentials&client_id=${client.id}&client_secret=${secret}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    if (res.statusCode !== 200) throw new Error(`token request failed: ${res.statusCode} ${res.body}`);
    return res.json().access_token as string;
  };

  return {
    app,
    services,
    kind,
    token,
    queueSchema,
    admin: async () => (adminHeader ??= { authorization: `Bearer ${await token()}` }),
    async close() {
      await app.close();
      await services.close();
      await database.close();
      if (schema) await dropSchemas(schema, `${schema}_boss`);
    },
  };
}

/**
 * Starts listening for job `name` to finish in this process; `finished(taskId)` resolves once it
 * has, for that task. Call before the request that queues the job (it may finish first). Unlike
 * the task's status, this waits for everything the job does after completing its task — e.g. an
 * account load queues processing only after its task is complete.
 */
export function jobsFinishing(t: TestApp, name: string): { finished(taskId: string): Promise<void>; stop(): void } {
  const done = new Set<string>();
  const waiting = new Map<string, () => void>();
  const onDone = (jobName: string, payload: { taskId?: string }) => {
    if (jobName !== name || !payload?.taskId) return;
    done.add(payload.taskId);
    waiting.get(payload.taskId)?.();
  };
  t.services.queue.events.on('done', onDone);
  return {
    finished: (taskId) =>
      done.has(taskId) ? Promise.resolve() : new Promise((resolve) => waiting.set(taskId, resolve)),
    stop: () => void t.services.queue.events.off('done', onDone),
  };
}

/**
 * Waits until a task is completed: re-reads it whenever the in-process worker finishes a job of
 * that task (a task may take several jobs: plan, chunks, finalize), so no polling interval.
 */
export async function waitForTask(
  t: TestApp,
  taskId: string,
  timeoutMs = 30_000,
  options: { at?: string; headers?: Record<string, string> } = {},
): Promise<any> {
  // `at`: where the task is read (`/task-status/v1` shows it as task-status.v1 declares)
  const read = async () =>
    (
      await t.app.inject({
        method: 'GET',
        url: `${options.at ?? '/v3/task-status'}/${taskId}`,
        headers: options.headers ?? (await t.admin()),
      })
    ).json();
  let status = await read();
  if (status.completed) return status;
  let lastError = 'none';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(
        new Error(
          `task ${taskId} did not complete in ${timeoutMs} ms (last job error: ${lastError}): ${JSON.stringify(status)}`,
        ),
      );
    }, timeoutMs);
    const check = () =>
      read().then(
        (s) => {
          status = s;
          if (s.completed) {
            off();
            resolve(s);
          }
        },
        (e) => {
          off();
          reject(e);
        },
      );
    const onDone = (name: string, payload: { taskId?: string }, error?: Error) => {
      if (payload?.taskId !== taskId) return;
      if (error) lastError = `${name}: ${error.message}`;
      check();
    };
    const off = () => {
      clearTimeout(timer);
      t.services.queue.events.off('done', onDone);
    };
    t.services.queue.events.on('done', onDone);
    check(); // the task may have finished between the first read and subscribing
  });
}

/**
 * Puts the app on a local port and makes an API client for a CLI command run against it: the
 * connection flags (`--url`, `--client-id`, `--client-secret`) that command takes.
 */
export async function listenForCli(t: TestApp, clientName: string): Promise<string[]> {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (t.app.server.address() as { port: number }).port;
  const { client, secret } = await createClient(apiClientRepository(t.services.database.db), { name: clientName });
  return ['--url', `http://127.0.0.1:${port}`, '--client-id', client.id, '--client-secret', secret];
}
