/**
 * `setAccountsDisabled` (domain/accounts/enable-disable.ts), as the lifecycle states' account
 * actions use it: the accounts of one identity, on some sources or all but some, one transaction
 * with a task that says what it did — or, for listed ids one of which is unknown, nothing at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setAccountsDisabled } from '../../src/domain/accounts/enable-disable.js';
import { loadClient } from '../helpers/loads.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { DATABASES, postgresReachable } from '../helpers/databases.js';
import { accountAttr, loadAndProcess, sourceWithProfile } from '../helpers/identities.js';

const PG_UP = await postgresReachable();
const actor = { clientId: 'lifecycle', name: 'lifecycle' };

describe.each(DATABASES)('setAccountsDisabled on %s', (kind) => {
  let t: TestApp;
  let h: Record<string, string>;
  let hr: string;
  let apps: string;
  let wiki: string;
  const accountsOf = async (identityId: string) => {
    const { items } = await t.services.ctx.repos.accounts.list({
      sorters: [{ field: 'sourceId', direction: 'asc' }],
      limit: 250,
      offset: 0,
      count: false,
    });
    return items.filter((a) => a.identityId === identityId).map((a) => [a.sourceId, a.disabled]);
  };
  let ann: string;

  beforeAll(async () => {
    if (kind === 'postgres' && !PG_UP) return;
    t = await startTestApp(kind);
    h = await t.admin();
    const suffix = Math.random().toString(36).slice(2, 8);
    ({ sourceId: hr } = await sourceWithProfile(
      t,
      h,
      { name: `HR-${suffix}` },
      { name: `Staff-${suffix}`, mappings: { uid: accountAttr(`HR-${suffix}`, 'name') } },
    ));
    await loadAndProcess(t, h, hr, 'id,name\ne1,ann\ne2,bob\n');
    const client = loadClient(t, h);
    apps = (await client.newSource()).id;
    wiki = (await client.newSource()).id;
    // accounts named as an identity's uid correlate to it
    await client.load(apps, 'id,name\na1,ann\na2,bob\n');
    await client.load(wiki, 'id,name\nw1,ann\n');
    ann = (await t.services.ctx.repos.accounts.list({ sorters: [], limit: 250, offset: 0, count: false })).items.find(
      (a) => a.sourceId === hr && a.name === 'ann',
    )!.identityId!;
  });
  afterAll(async () => t?.close());

  it.skipIf(kind === 'postgres' && !PG_UP)(
    "disables an identity's accounts on the listed sources, then on all but one, and records each as a task",
    async () => {
      const sorted = (xs: string[]) => [...xs].sort();
      const first = await setAccountsDisabled(
        t.services.ctx,
        { identityId: ann, sourceIds: [apps, wiki] },
        true,
        actor,
        { reason: "lifecycle state 'inactive'" },
      );
      expect(first.accounts.map((a) => a.changed)).toEqual([true, true]);
      expect(sorted(await accountsOf(ann).then((xs) => xs.filter(([, d]) => d).map(([s]) => s as string)))).toEqual(
        sorted([apps, wiki]),
      );
      const task = (await t.app.inject({ method: 'GET', url: `/v3/task-status/${first.task.id}`, headers: h })).json();
      expect(task).toMatchObject({
        type: 'ACCOUNT_DISABLE',
        description: "lifecycle state 'inactive'",
        completionStatus: 'Success',
        target: { type: 'IDENTITY', id: ann, name: 'ann' },
        result: { disabled: true, selected: 2, changed: 2 },
      });

      const all = await setAccountsDisabled(t.services.ctx, { identityId: ann, excludeSourceIds: [wiki] }, true, actor);
      // HR's account now, apps' was already so; wiki's left out
      expect(all.task.result).toMatchObject({ selected: 2, changed: 1 });
      expect((await accountsOf(ann)).every(([, d]) => d)).toBe(true);
      // bob's accounts were never selected
      const bob = (
        await t.services.ctx.repos.accounts.list({ sorters: [], limit: 250, offset: 0, count: false })
      ).items.filter((a) => a.name === 'bob');
      expect(bob.map((a) => a.disabled)).toEqual([false, false]);

      const enabled = await setAccountsDisabled(t.services.ctx, { identityId: ann }, false, actor);
      expect(enabled.task.result).toMatchObject({ selected: 3, changed: 3 });
      expect((await accountsOf(ann)).some(([, d]) => d)).toBe(false);
      // no sources listed: nothing selected (a lifecycle action on no source), still a task
      const none = await setAccountsDisabled(t.services.ctx, { identityId: ann, sourceIds: [] }, true, actor);
      expect([none.accounts, none.task.result]).toEqual([[], expect.objectContaining({ selected: 0, changed: 0 })]);
      expect((await accountsOf(ann)).some(([, d]) => d)).toBe(false);
    },
  );

  it.skipIf(kind === 'postgres' && !PG_UP)(
    "runs in the caller's transaction: rolled back with it, task and all",
    async () => {
      let taskId = '';
      await expect(
        t.services.ctx.withTransaction(async (repos) => {
          taskId = (await setAccountsDisabled(t.services.ctx, { identityId: ann }, true, actor, { repos })).task.id;
          throw new Error('the caller fails after');
        }),
      ).rejects.toThrow('the caller fails after');
      expect(taskId).toMatch(/^[0-9a-f]{32}$/);
      expect(await t.services.ctx.repos.tasks.findById(taskId)).toBeUndefined();
      expect((await accountsOf(ann)).some(([, d]) => d)).toBe(false);
    },
  );

  it.skipIf(kind === 'postgres' && !PG_UP)(
    'listed ids: one unknown is a 404 naming it, and none of the others changes',
    async () => {
      const known = (
        await t.services.ctx.repos.accounts.list({ sorters: [], limit: 250, offset: 0, count: false })
      ).items.find((a) => a.name === 'bob')!;
      await expect(
        setAccountsDisabled(
          t.services.ctx,
          { accountIds: [known.id, 'ffffffffffffffffffffffffffffffff'] },
          true,
          actor,
        ),
      ).rejects.toMatchObject({ status: 404, message: "Account 'ffffffffffffffffffffffffffffffff' was not found." });
      expect((await t.services.ctx.repos.accounts.findById(known.id))?.disabled).toBe(false);
    },
  );
});
