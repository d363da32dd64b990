/**
 * `/metrics`: after a load and the processing run it starts, every metric README promises shows
 * the right values — requests by route, status and version with their latencies, rate-limit
 * refusals, jobs, tasks by type and state with durations, identities processed, rows loaded and
 * rejected, the database pool and the job queue. Off, and on a port of its own, too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { createDatabase, migrateToLatest } from '../../src/db/database.js';
import { loadJob } from '../../src/domain/accounts/load.js';
import { finalizeJob } from '../../src/domain/identities/processing.js';
import { serveMetrics } from '../../src/metrics.js';
import { createServices } from '../../src/services.js';
import { pino } from 'pino';
import { jobsFinishing, startTestApp, type TestApp } from '../helpers/app.js';
import { DATABASES } from '../helpers/databases.js';
import { accountAttr, sourceWithProfile } from '../helpers/identities.js';
import { multipartFile } from '../helpers/multipart.js';

type Sample = { name: string; labels: Record<string, string>; value: number };

/** Prometheus text format → samples (`# HELP`/`# TYPE` lines skipped). */
function parse(text: string): Sample[] {
  return text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((line) => {
      const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!m) throw new Error(`not a sample line: ${line}`);
      const labels = Object.fromEntries(
        [...(m[2] ?? '').matchAll(/(\w+)="((?:\\.|[^"\\])*)"/g)].map((l) => [l[1], l[2]]),
      );
      return { name: m[1], labels, value: Number(m[3]) };
    });
}

/** The one sample of `name` whose labels include `labels`; undefined when there is none. */
function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} ${JSON.stringify(labels)}`);
  return found[0]?.value;
}

describe.each(DATABASES)('/metrics on %s', (kind) => {
  let t: TestApp;
  let h: Record<string, string>;
  let samples: Sample[];
  let loadTaskId: string;
  beforeAll(async () => {
    t = await startTestApp(kind);
    h = await t.admin();
    const { sourceId } = await sourceWithProfile(
      t,
      h,
      { name: 'HR' },
      { name: 'Staff', mappings: { email: accountAttr('HR', 'mail') } },
    );
    // the load (3 rows, 1 rejected) starts the profile's processing run; wait for both jobs to end
    const loads = jobsFinishing(t, loadJob.name);
    const finalizes = jobsFinishing(t, finalizeJob.name);
    const file = multipartFile('file', 'hr.csv', 'id,name,mail\n1,ann,a@x\n2,bob,b@x\nbroken\n3,cy,c@x\n');
    const res = await t.app.inject({
      method: 'POST',
      url: `/v3/sources/${sourceId}/load-accounts`,
      payload: file.payload,
      headers: { ...h, ...file.headers },
    });
    expect(res.statusCode).toBe(202);
    loadTaskId = res.json().task.id;
    await loads.finished(loadTaskId);
    const load = (await t.app.inject({ method: 'GET', url: `/v3/task-status/${loadTaskId}`, headers: h })).json();
    expect(load.completionStatus).toBe('Warning');
    await finalizes.finished(load.result.processingTaskIds[0]);
    loads.stop();
    finalizes.stop();
    // a rate limit of 1 per window: the second request is refused (429); the token endpoint's per address
    const limited = await buildApp({
      services: t.services,
      config: {
        rateLimit: { max: 1, windowSeconds: 60 },
        tokenRateLimit: { max: 1, windowSeconds: 60 },
        logLevel: 'silent',
      },
      logger: false,
    });
    for (let i = 0; i < 2; i++) await limited.inject({ method: 'GET', url: '/beta/identity-profiles', headers: h });
    for (let i = 0; i < 2; i++)
      await limited.inject({
        method: 'POST',
        url: '/oauth/token',
        payload: 'grant_type=client_credentials&client_id=x&client_secret=y',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    await limited.close();
    const scraped = await t.app.inject({ method: 'GET', url: '/metrics' }); // public, like /health
    expect(scraped.statusCode).toBe(200);
    expect(scraped.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    samples = parse(scraped.body);
  }, 120_000);
  afterAll(async () => t?.close());

  it('counts requests by method, route pattern, status and version, with latency histograms', () => {
    const created = { method: 'POST', route: '/v3/identity-profiles', status: '201', version: 'v3' };
    expect(value(samples, 'idprofiles_http_requests_total', created)).toBe(1);
    expect(value(samples, 'idprofiles_http_request_duration_seconds_count', created)).toBe(1);
    expect(value(samples, 'idprofiles_http_request_duration_seconds_bucket', { ...created, le: '+Inf' })).toBe(1);
    expect(value(samples, 'idprofiles_http_request_duration_seconds_sum', created)).toBeGreaterThan(0);
    const byId = { method: 'GET', route: '/v3/task-status/:id', status: '200', version: 'v3' };
    expect(value(samples, 'idprofiles_http_requests_total', byId)).toBe(1);
    expect(
      value(samples, 'idprofiles_http_requests_total', {
        route: '/beta/identity-profiles',
        status: '429',
        version: 'beta',
      }),
    ).toBe(1);
    expect(
      value(samples, 'idprofiles_http_requests_total', {
        route: '/beta/identity-profiles',
        status: '200',
        version: 'beta',
      }),
    ).toBe(1);
  });

  it('counts rate-limit refusals by limit', () => {
    expect(value(samples, 'idprofiles_rate_limit_rejections_total', { limit: 'api' })).toBe(1);
    expect(value(samples, 'idprofiles_rate_limit_rejections_total', { limit: 'token' })).toBe(1);
  });

  it('counts jobs by outcome with durations', () => {
    expect(value(samples, 'idprofiles_jobs_total', { job: loadJob.name, outcome: 'completed' })).toBe(1);
    expect(value(samples, 'idprofiles_jobs_total', { job: finalizeJob.name, outcome: 'completed' })).toBe(1);
    expect(value(samples, 'idprofiles_job_duration_seconds_count', { job: loadJob.name, outcome: 'completed' })).toBe(
      1,
    );
  });

  it('counts tasks by type and status with durations, identities processed and rows loaded', () => {
    const load = { type: 'CLOUD_ACCOUNT_AGGREGATION', status: 'Warning' };
    const run = { type: 'IDENTITY_PROFILE_PROCESS', status: 'Success' };
    expect(value(samples, 'idprofiles_tasks_completed_total', load)).toBe(1);
    expect(value(samples, 'idprofiles_tasks_completed_total', run)).toBe(1);
    expect(value(samples, 'idprofiles_task_duration_seconds_count', load)).toBe(1);
    expect(value(samples, 'idprofiles_task_duration_seconds_count', run)).toBe(1);
    expect(value(samples, 'idprofiles_identities_processed_total')).toBe(3);
    expect(value(samples, 'idprofiles_account_rows_loaded_total')).toBe(3);
    expect(value(samples, 'idprofiles_account_rows_rejected_total')).toBe(1);
    // from the database: every task, whichever process ran it
    expect(value(samples, 'idprofiles_tasks', { type: 'CLOUD_ACCOUNT_AGGREGATION', state: 'Warning' })).toBe(1);
    expect(value(samples, 'idprofiles_tasks', { type: 'IDENTITY_PROFILE_PROCESS', state: 'Success' })).toBe(1);
  });

  it('shows the database pool and the process', () => {
    const max = kind === 'pglite' ? 1 : 4; // startTestApp's PostgreSQL pool
    expect(value(samples, 'idprofiles_db_pool_max')).toBe(max);
    const busy = value(samples, 'idprofiles_db_pool_connections', { state: 'busy' })!;
    const idle = value(samples, 'idprofiles_db_pool_connections', { state: 'idle' })!;
    expect(busy + idle).toBeLessThanOrEqual(max);
    expect(busy + idle).toBeGreaterThan(0);
    expect(value(samples, 'idprofiles_db_pool_waiting')).toBeGreaterThanOrEqual(0);
    expect(value(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });

  it('is not recorded or served when off; on a port of its own it is not on the API port', async () => {
    const off = await buildApp({
      services: t.services,
      config: { rateLimit: 'off', logLevel: 'silent', metrics: 'off' },
      logger: false,
    });
    const ownPort = await buildApp({
      services: t.services,
      config: { rateLimit: 'off', logLevel: 'silent', metrics: { port: 0 } },
      logger: false,
    });
    try {
      expect((await off.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
      expect((await ownPort.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
      const before =
        value(parse(await t.services.metrics.registry.metrics()), 'idprofiles_http_requests_total', {
          method: 'GET',
          route: '/health',
          status: '200',
        }) ?? 0;
      await off.inject({ method: 'GET', url: '/health' });
      await ownPort.inject({ method: 'GET', url: '/health' });
      expect(
        value(parse(await t.services.metrics.registry.metrics()), 'idprofiles_http_requests_total', {
          method: 'GET',
          route: '/health',
          status: '200',
        }),
      ).toBe(before + 1);
    } finally {
      await off.close();
      await ownPort.close();
    }
    const server = await serveMetrics(t.services.metrics, 0, '127.0.0.1');
    try {
      const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const res = await fetch(`${base}/metrics`);
      expect(res.status).toBe(200);
      expect(value(parse(await res.text()), 'idprofiles_account_rows_loaded_total')).toBe(3);
      expect((await fetch(`${base}/other`)).status).toBe(404);
    } finally {
      server.close();
    }
  });
});

describe('the job queue depth', () => {
  it('counts queued jobs by name and state (an API node that runs no jobs)', async () => {
    const database = await createDatabase({ dataDir: 'memory://' });
    await migrateToLatest(database);
    const services = await createServices(database, {
      config: { tokenTtlSeconds: 600 },
      logger: pino({ level: 'silent' }),
      runJobs: false,
    });
    try {
      await services.queue.enqueueMany(loadJob.name, [{ taskId: 'a' }, { taskId: 'b' }]);
      const samples = parse(await services.metrics.registry.metrics());
      expect(value(samples, 'idprofiles_job_queue_depth', { job: loadJob.name, state: 'created' })).toBe(2);
      expect(value(samples, 'idprofiles_job_queue_depth', { job: finalizeJob.name })).toBeUndefined();
    } finally {
      await services.close();
      await database.close();
    }
  }, 60_000);
});
