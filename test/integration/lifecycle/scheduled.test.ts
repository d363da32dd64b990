import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProcessingTask } from '../../../src/domain/identity-profiles/process.js';
import { runScheduledProcessing, scheduledJob } from '../../../src/domain/identity-profiles/scheduled.js';
import { failTask } from '../../../src/domain/tasks/service.js';
import { startJobQueue } from '../../../src/jobs/queue.js';
import { apiClient } from '../../helpers/api/index.js';
import { startTestApp, waitForTask, type TestApp } from '../../helpers/app.js';
import { DATABASES, postgresReachable } from '../../helpers/databases.js';

const PG_UP = await postgresReachable();

/**
 * Scheduled processing (issue 15): the scheduled job's work is a function of the app's clock,
 * called here directly (no waiting for 8:00); pg-boss's cron registration is checked on its own
 * table.
 */
describe.each(DATABASES)('scheduled processing on %s', (kind) => {
  const skip = kind === 'postgres' && !PG_UP;
  let t: TestApp;
  let h: Record<string, string>;
  const profiles: Record<string, string> = {};
  const api = apiClient(() => t);

  beforeAll(async () => {
    if (skip) return;
    t = await startTestApp(kind);
    h = await t.admin();
    for (const [name, body] of [
      ['timed', { hasTimeBasedAttr: true }],
      ['plain', {}],
      ['stale', {}],
    ] as const) {
      const source = await api.sources.create({ name: `src-${name}` });
      profiles[name] = (
        await api.identityProfiles.create({ name, authoritativeSource: { id: source.id }, ...body })
      ).id;
    }
    const repos = t.services.ctx.repos;
    for (const [name, required] of [
      ['plain', false],
      ['stale', true],
      ['timed', false],
    ] as const) {
      const p = (await repos.profiles.findById(profiles[name]))!;
      await repos.profiles.update({ ...p, identityRefreshRequired: required });
    }
  });
  afterAll(async () => t?.close());

  const runsOf = async (profileId: string) =>
    (
      await t.app.inject({
        method: 'GET',
        url: `/v3/task-status?filters=${encodeURIComponent(`target.id eq "${profileId}"`)}`,
        headers: h,
      })
    ).json() as any[];

  it.skipIf(skip)('processes the profiles with time-based mappings or needing a refresh, and no other', async () => {
    const first = await runScheduledProcessing(t.services.ctx);
    expect(first.started.map((s) => s.profileId).sort()).toEqual([profiles.timed, profiles.stale].sort());
    for (const s of first.started) {
      const task = await waitForTask(t, s.taskId);
      expect(task).toMatchObject({
        type: 'IDENTITY_PROFILE_PROCESS',
        launcher: 'scheduler',
        completionStatus: 'Success',
      });
    }
    expect(await runsOf(profiles.plain)).toEqual([]);
    // the run cleared identityRefreshRequired: next time only the time-based profile is due
    const second = await runScheduledProcessing(t.services.ctx);
    expect(second.started.map((s) => s.profileId)).toEqual([profiles.timed]);
    await waitForTask(t, second.started[0].taskId);
  });

  it.skipIf(skip)(
    'leaves a profile whose run is going to that run, and starts one run when fired twice at once',
    async () => {
      const ctx = t.services.ctx;
      const going = await createProcessingTask(ctx.repos, ctx, (await ctx.repos.profiles.findById(profiles.timed))!, {
        clientId: 'x',
        name: 'x',
      });
      const blocked = await runScheduledProcessing(ctx);
      expect(blocked).toEqual({ started: [], running: [profiles.timed] });
      await failTask(ctx, going, 'ended by the test');
      const before = (await runsOf(profiles.timed)).length;
      const [a, b] = await Promise.all([runScheduledProcessing(ctx), runScheduledProcessing(ctx)]);
      const started = [...a.started, ...b.started];
      expect(started).toHaveLength(1);
      expect([...a.running, ...b.running]).toEqual([profiles.timed]);
      await waitForTask(t, started[0].taskId);
      expect((await runsOf(profiles.timed)).length).toBe(before + 1);
    },
  );

  it.skipIf(skip)(
    'registers the schedule once in pg-boss whatever the number of processes, and removes it when off',
    async () => {
      const schema = `sched_${Math.random().toString(36).slice(2, 8)}`;
      const sql = t.services.database.sqlExecutor;
      const start = (schedule: { cron: string; timeZone: string } | 'off') =>
        startJobQueue(sql, {
          schema,
          queues: [scheduledJob.name],
          handlers: {},
          logger: pino({ level: 'silent' }),
          schedules: { [scheduledJob.name]: schedule },
        });
      const rows = async () => (await sql.executeSql(`select name, cron, timezone from ${schema}.schedule`, [])).rows;
      const nodes = [
        await start({ cron: '0 8,20 * * *', timeZone: 'Europe/Paris' }),
        await start({ cron: '0 8,20 * * *', timeZone: 'Europe/Paris' }),
      ];
      try {
        expect(await rows()).toEqual([{ name: scheduledJob.name, cron: '0 8,20 * * *', timezone: 'Europe/Paris' }]);
        const off = await start('off');
        expect(await rows()).toEqual([]);
        await off.stop();
      } finally {
        for (const n of nodes) await n.stop();
        await sql.executeSql(`drop schema ${schema} cascade`, []);
      }
    },
  );
});
