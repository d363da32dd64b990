import { createServer, type Server } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The process's Prometheus metrics: every name in one place (README "Metrics" lists them, and
 * test/integration/metrics.test.ts checks each). Recorded by hooks at the edges — the HTTP layer
 * (requests, rate-limit refusals: http/plugins/metrics.ts) and the job layer (jobs, tasks, rows and
 * identities: jobs/metrics.ts) — never by the domain (test/architecture/layers.test.ts). Gauges of
 * shared state (tasks, queue, pool) are read when scraped, through `Sources`.
 *
 * One registry per process (per app in tests): nothing global, so tests in one process do not mix.
 */
export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status' | 'version'>;
  httpDuration: Histogram<'method' | 'route' | 'status' | 'version'>;
  rateLimited: Counter<'limit'>;
  jobs: Counter<'job' | 'outcome'>;
  jobDuration: Histogram<'job' | 'outcome'>;
  tasksCompleted: Counter<'type' | 'status'>;
  taskDuration: Histogram<'type' | 'status'>;
  identitiesProcessed: Counter;
  rowsLoaded: Counter;
  rowsRejected: Counter;
}

/** What the gauges read when scraped. A source that fails (the database is away) leaves its gauge empty for that scrape. */
export interface MetricSources {
  /** Tasks in the database by type and state (`Running`, or the completion status). */
  tasks(): Promise<Array<{ type: string; state: string; count: number }>>;
  /** Jobs waiting or running, by job name and pg-boss state (created, retry, active). */
  queue(): Promise<Array<{ job: string; state: string; count: number }>>;
  /** This process's database connections (PGlite: its one session). */
  pool(): { max: number; busy: number; idle: number; waiting: number };
}

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const JOB_SECONDS = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900];
const TASK_SECONDS = [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600];

/** A gauge set from `read` at each scrape; cleared first, so a value that is gone (or unreadable now) is not repeated. */
function scraped<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[],
  read: (gauge: Gauge<L>) => Promise<void> | void,
): void {
  new Gauge<L>({
    name,
    help,
    labelNames,
    registers: [registry],
    async collect() {
      this.reset();
      try {
        await read(this);
      } catch {
        // the database is away: /metrics still answers, without these values (/health says why)
      }
    },
  });
}

export function createMetrics(sources: MetricSources): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const r = [registry];
  const http = ['method', 'route', 'status', 'version'] as const;
  scraped(
    registry,
    'idprofiles_tasks',
    'Tasks in the database by type and state (Running, Success, Warning, Error, Terminated), from every process',
    ['type', 'state'],
    async (g) => {
      for (const t of await sources.tasks()) g.set({ type: t.type, state: t.state }, t.count);
    },
  );
  scraped(
    registry,
    'idprofiles_job_queue_depth',
    'Jobs queued (created, retry) or running (active), by job, from every process',
    ['job', 'state'],
    async (g) => {
      for (const q of await sources.queue()) g.set({ job: q.job, state: q.state }, q.count);
    },
  );
  scraped(
    registry,
    'idprofiles_db_pool_connections',
    "This process's database connections by state (embedded PGlite: its one session)",
    ['state'],
    (g) => {
      const p = sources.pool();
      g.set({ state: 'busy' }, p.busy);
      g.set({ state: 'idle' }, p.idle);
    },
  );
  scraped(registry, 'idprofiles_db_pool_max', "This process's database connections at most (PGlite: 1)", [], (g) =>
    g.set(sources.pool().max),
  );
  scraped(
    registry,
    'idprofiles_db_pool_waiting',
    'Statements waiting for a database connection in this process',
    [],
    (g) => g.set(sources.pool().waiting),
  );
  return {
    registry,
    httpRequests: new Counter({
      name: 'idprofiles_http_requests_total',
      help: 'HTTP requests answered, by route pattern, status and API version',
      labelNames: http,
      registers: r,
    }),
    httpDuration: new Histogram({
      name: 'idprofiles_http_request_duration_seconds',
      help: 'Time to answer an HTTP request',
      labelNames: http,
      buckets: SECONDS,
      registers: r,
    }),
    rateLimited: new Counter({
      name: 'idprofiles_rate_limit_rejections_total',
      help: "Requests refused with 429 by a rate limit: api (per client and version) or token (POST /oauth/token per address, or a client's wrong secrets)",
      labelNames: ['limit'],
      registers: r,
    }),
    jobs: new Counter({
      name: 'idprofiles_jobs_total',
      help: 'Jobs this process ran, by job and outcome (completed, failed: retried or given up)',
      labelNames: ['job', 'outcome'],
      registers: r,
    }),
    jobDuration: new Histogram({
      name: 'idprofiles_job_duration_seconds',
      help: 'Time a job ran in this process',
      labelNames: ['job', 'outcome'],
      buckets: JOB_SECONDS,
      registers: r,
    }),
    tasksCompleted: new Counter({
      name: 'idprofiles_tasks_completed_total',
      help: 'Tasks whose last job ran in this process, by type and completion status',
      labelNames: ['type', 'status'],
      registers: r,
    }),
    taskDuration: new Histogram({
      name: 'idprofiles_task_duration_seconds',
      help: "Time from a task's launch to its completion",
      labelNames: ['type', 'status'],
      buckets: TASK_SECONDS,
      registers: r,
    }),
    identitiesProcessed: new Counter({
      name: 'idprofiles_identities_processed_total',
      help: 'Identities processed by completed processing runs (dry runs not counted)',
      registers: r,
    }),
    rowsLoaded: new Counter({
      name: 'idprofiles_account_rows_loaded_total',
      help: 'CSV rows applied by completed account loads (dry runs and refused loads not counted)',
      registers: r,
    }),
    rowsRejected: new Counter({
      name: 'idprofiles_account_rows_rejected_total',
      help: 'CSV rows rejected by completed account loads (dry runs not counted)',
      registers: r,
    }),
  };
}

/** `/metrics` on a port of its own (IDPROFILES_METRICS=<port>): for a worker, or to keep it off the API's port. */
export async function serveMetrics(metrics: Metrics, port: number, host: string): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: metrics are at /metrics\n');
      return;
    }
    metrics.registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      (e) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${(e as Error).message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
