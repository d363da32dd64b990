import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoadJob, startAccountLoad } from '../../../src/domain/accounts/load.js';
import type { DomainContext } from '../../../src/domain/context.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { DATABASES } from '../../helpers/databases.js';
import { accountAttr, sourceWithProfile } from '../../helpers/identities.js';

const unique = (p: string) => `${p}-${Math.random().toString(36).slice(2, 8)}`;
const BATCH = 2;
const FIRST = 'id,name,dept\n1,ann,HR\n2,bob,IT\n3,cy,IT\n4,di,HR\n5,ed,IT\n6,flo,HR\n7,gus,IT\n';
// removes 1 and 4, updates 2 and 6, keeps 3, 5 and 7, adds 8, 9 and 10
const SECOND = 'id,name,dept\n2,bob,Sales\n3,cy,IT\n5,ed,IT\n6,flo,Legal\n7,gus,IT\n8,hal,HR\n9,ivy,IT\n10,jo,HR\n';

/**
 * A load applied in steps (batches of `BATCH` rows, each its own transaction, as on PGlite) that
 * stops before any one of its commits — as when the process dies — and is run again, as the job's
 * retry: it ends as the whole load, each account and identity once, the counts of the whole file;
 * and until it ends, the task does not show it as done.
 */
describe.each(DATABASES)('a load applied in steps on %s', (kind) => {
  let t: TestApp;
  let h: Record<string, string>;
  beforeAll(async () => {
    t = await startTestApp(kind);
    h = await t.admin();
  });
  afterAll(async () => t?.close());

  const noProcessing = { create: async () => undefined, start: async () => undefined };
  /** The load's staged rows and task, as the upload leaves them, without queuing its job. */
  async function stage(sourceId: string, csv: string): Promise<string> {
    const ctx = { ...t.services.ctx, jobs: { enqueue: async () => undefined, enqueueMany: async () => undefined } };
    return (await startAccountLoad(ctx, sourceId, Readable.from([csv]), { clientId: 'test', name: 'test' })).id;
  }
  /** The context, but the transaction numbered `stopAt` (from 0) rolls back at its end, as if the process had died. */
  function stoppingAt(stopAt: number): DomainContext {
    const { ctx } = t.services;
    let n = 0;
    return {
      ...ctx,
      withTransaction: (fn) =>
        n++ !== stopAt
          ? ctx.withTransaction(fn)
          : ctx.withTransaction(async (repos, scope) => {
              await fn(repos, scope);
              throw new Error('stopped before the commit');
            }),
    };
  }
  const get = async (url: string) => (await t.app.inject({ method: 'GET', url, headers: h })).json();

  it('resumes from the last committed step, wherever it stopped, and ends as the whole load', async () => {
    let stopAt = 0;
    for (; ; stopAt++) {
      const name = unique('Steps');
      const { sourceId, profileId } = await sourceWithProfile(
        t,
        h,
        { name },
        { name, mappings: { uid: accountAttr(name, 'name') } },
      );
      const first = await stage(sourceId, FIRST);
      await runLoadJob(t.services.ctx, { taskId: first, sourceId }, noProcessing, BATCH);
      const before = await get(
        `/v3/accounts?filters=${encodeURIComponent(`sourceId eq "${sourceId}"`)}&sorters=nativeIdentity`,
      );

      const second = await stage(sourceId, SECOND); // leaves out 2 of 7 accounts: past the default deleteThreshold, so allowed explicitly
      const stopped = await runLoadJob(
        stoppingAt(stopAt),
        { taskId: second, sourceId, allowDeletes: 2 },
        noProcessing,
        BATCH,
      ).then(
        () => false,
        () => true,
      );
      if (!stopped) break; // past the last transaction: every step boundary has been tried
      const midway = await get(`/v3/task-status/${second}`);
      expect(midway, `stopped at transaction ${stopAt}`).toMatchObject({ completed: null, completionStatus: null });
      await runLoadJob(t.services.ctx, { taskId: second, sourceId, allowDeletes: 2 }, noProcessing, BATCH);

      const done = await get(`/v3/task-status/${second}`);
      expect(done.completionStatus, `stopped at transaction ${stopAt}`).toBe('Success');
      expect(done.result).toMatchObject({
        rows: 8,
        added: 3,
        updated: 2,
        unchanged: 3,
        removed: 2,
        rejected: 0,
        identitiesCreated: 3,
      });
      const accounts = await get(
        `/v3/accounts?filters=${encodeURIComponent(`sourceId eq "${sourceId}"`)}&sorters=nativeIdentity`,
      );
      expect(accounts.map((a: any) => [a.nativeIdentity, a.attributes.dept])).toEqual([
        ['10', 'HR'],
        ['2', 'Sales'],
        ['3', 'IT'],
        ['5', 'IT'],
        ['6', 'Legal'],
        ['7', 'IT'],
        ['8', 'HR'],
        ['9', 'IT'],
      ]);
      const kept = (n: string) => [
        before.find((a: any) => a.nativeIdentity === n).id,
        accounts.find((a: any) => a.nativeIdentity === n).id,
      ];
      for (const n of ['2', '3', '5']) expect(new Set(kept(n)).size).toBe(1); // the same accounts, not new ones
      const identities = await get(
        `/v2025/identities?filters=${encodeURIComponent(`identityProfileId eq "${profileId}"`)}&sorters=name&count=true`,
      );
      expect(identities.map((i: any) => i.name)).toEqual(['bob', 'cy', 'ed', 'flo', 'gus', 'hal', 'ivy', 'jo']);
      expect(new Set(accounts.map((a: any) => a.identityId)).size).toBe(8); // one identity per account, none twice
      expect((await get(`/v3/identity-profiles/${profileId}`)).identityCount).toBe(8);
      const staged = await t.services.database.db
        .selectFrom('accountLoadRows')
        .select('taskId')
        .where('taskId', 'in', [first, second])
        .execute();
      expect(staged).toEqual([]);
    }
    expect(stopAt).toBeGreaterThan(8); // the steps: removals, upserts and the last one, in batches of two
  }, 120_000);
});
