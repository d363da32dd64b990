import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { giveUpLoad, runLoadJob } from '../../../src/domain/accounts/load.js';
import { createProcessingTask } from '../../../src/domain/identity-profiles/process.js';
import { apiClient } from '../../helpers/api/index.js';
import { startTestApp, waitForTask, type TestApp } from '../../helpers/app.js';
import { accountAttr, sourceWithProfile } from '../../helpers/identities.js';
import { DATABASES } from '../../helpers/databases.js';

/**
 * A load names the processing runs it asked for (`processingTaskIds`), created in its own
 * transaction, so a client follows them without looking for the newest run; a load that
 * committed but stopped before starting them starts them when its job is retried, and fails
 * them when its job is given up.
 */
describe.each(DATABASES)('the processing runs of a load on %s', (kind) => {
  let t: TestApp;
  let h: Record<string, string>;
  let sourceId: string;
  let profileId: string;
  const api = apiClient(() => t);
  beforeAll(async () => {
    t = await startTestApp(kind);
    h = await t.admin();
    ({ sourceId, profileId } = await sourceWithProfile(
      t,
      h,
      { name: 'Runs' },
      { name: 'PR', mappings: { uid: accountAttr('Runs', 'name') } },
    ));
  });
  afterAll(async () => t?.close());

  it('names the run it created, which processes the loaded identities', async () => {
    const load = await api.sources.load(sourceId, 'id,name\n1,ann\n2,bob\n', { filename: 'runs.csv' });
    expect(load.result.processingTaskIds).toHaveLength(1);
    const run = await waitForTask(t, load.result.processingTaskIds[0]);
    expect(run).toMatchObject({
      type: 'IDENTITY_PROFILE_PROCESS',
      completionStatus: 'Success',
      target: { type: 'IDENTITY_PROFILE', id: profileId },
    });
    expect(run.result).toMatchObject({ total: 2, processed: 2, changed: 2 });
    const people = (await t.app.inject({ method: 'GET', url: '/v2025/identities?sorters=name', headers: h })).json();
    expect(people.map((p: { attributes: { uid: string } }) => p.attributes.uid)).toEqual(['ann', 'bob']);
  });

  it('starts, on a retry, the runs a committed load had not started, and no other', async () => {
    const { ctx } = t.services;
    const load = await api.sources.load(sourceId, 'id,name\n1,ann\n2,bob\n3,cy\n', { filename: 'runs.csv' });
    await waitForTask(t, load.result.processingTaskIds[0]); // that one ran
    // as if the load had stopped right after its commit: one run created but never started
    const profile = (await ctx.repos.profiles.findById(profileId))!;
    const pending = await createProcessingTask(ctx.repos, ctx, profile, { name: 'test' } as never);
    await ctx.repos.tasks.setResult(load.id, {
      ...load.result,
      processingTaskIds: [load.result.processingTaskIds[0], pending],
    });

    const started: Array<[string, string]> = [];
    await runLoadJob(ctx, { taskId: load.id, sourceId } as never, {
      create: async () => {
        throw new Error('a completed load creates no run');
      },
      start: async (taskId, forProfile) => void started.push([taskId, forProfile]),
    });
    expect(started).toEqual([[pending, profileId]]);
  });

  it('fails, when the load job is given up, the runs it had not started, and no other', async () => {
    const { ctx } = t.services;
    const load = await api.sources.load(sourceId, 'id,name\n1,ann\n2,bob\n3,cy\n4,di\n', { filename: 'runs.csv' });
    const ran = await waitForTask(t, load.result.processingTaskIds[0]);
    const pending = await createProcessingTask(ctx.repos, ctx, (await ctx.repos.profiles.findById(profileId))!, {
      name: 'test',
    } as never);
    await ctx.repos.tasks.setResult(load.id, { ...load.result, processingTaskIds: [ran.id, pending] });

    await giveUpLoad(ctx, load.id, 'the queue was gone');
    const failed = await waitForTask(t, pending);
    expect(failed.completionStatus).toBe('Error');
    expect(failed.messages.at(-1)).toMatchObject({
      type: 'ERROR',
      localizedText: { message: expect.stringMatching(/could not start it: the queue was gone/) },
    });
    expect((await waitForTask(t, ran.id)).completionStatus).toBe('Success');
    expect((await waitForTask(t, load.id)).completionStatus).toBe(load.completionStatus); // a completed load stays as it was
  });
});
