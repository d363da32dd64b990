/**
 * Loads of one source apply one at a time, each deciding (the delete threshold) on what the one
 * before it left: on PostgreSQL when two workers run two loads of a source at the same moment, and
 * on PGlite when a load is queued while another is part-applied (a step failed; its retry comes a
 * second later). The result is always the two loads applied one after the other.
 */
import { Readable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoadJob, startAccountLoad } from '../../../src/domain/accounts/load.js';
import type { DomainContext } from '../../../src/domain/context.js';
import { createServices, type Services } from '../../../src/services.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { postgresReachable } from '../../helpers/databases.js';
import { accountAttr, sourceWithProfile } from '../../helpers/identities.js';
import { range } from '../../helpers/loads.js';
import { multipartFile } from '../../helpers/multipart.js';
import { until } from '../../helpers/processes.js';
import { closeGate } from '../identity-profiles/gate.js';

const reachable = await postgresReachable();
const unique = (p: string) => `${p}-${Math.random().toString(36).slice(2, 8)}`;
/**
 * Accounts `ids` as CSV, named `<prefix><id>`: names unique to the test, as an uncorrelated
 * account joins an identity whose uid is its name, whichever source formed it.
 */
const accountsCsv = (prefix: string, ids: number[]) => `id,name\n${ids.map((i) => `${i},${prefix}${i}`).join('\n')}\n`;
const names = (prefix: string, ids: number[]) => ids.map((i) => `${prefix}${i}`).sort();

/** What a test reads back: a source's accounts (by native identity) and its profile's identities. */
function reader(t: TestApp, h: Record<string, string>) {
  const get = async (url: string) => (await t.app.inject({ method: 'GET', url, headers: h })).json();
  return {
    get,
    accounts: async (sourceId: string) =>
      (
        (await get(`/v3/accounts?filters=${encodeURIComponent(`sourceId eq "${sourceId}"`)}&limit=250`)) as Array<{
          nativeIdentity: string;
          identityId: string;
        }>
      )
        .map((a) => Number(a.nativeIdentity))
        .sort((a, b) => a - b),
    identities: async (profileId: string) =>
      (await get(`/v2025/identities?filters=${encodeURIComponent(`identityProfileId eq "${profileId}"`)}&limit=250`))
        .map((i: { name: string }) => i.name)
        .sort(),
  };
}

describe.skipIf(!reachable)('two loads of one source at the same moment, on two workers (PostgreSQL)', () => {
  let t: TestApp;
  let otherWorker: Services;
  let h: Record<string, string>;
  let read: ReturnType<typeof reader>;
  beforeAll(async () => {
    t = await startTestApp('postgres');
    // a second worker on the same database and queues, as a second `idprofiles worker` process
    otherWorker = await createServices(t.services.database, {
      config: { tokenTtlSeconds: 600 },
      logger: pino({ level: 'silent' }),
      runJobs: true,
      queueSchema: t.queueSchema,
      pollingIntervalSeconds: 0.5,
    });
    h = await t.admin();
    read = reader(t, h);
  });
  afterAll(async () => {
    await otherWorker?.close();
    await t?.close();
  });

  /** Uploads `csv` (queues its job) without waiting for it. */
  const upload = async (sourceId: string, csv: string, query = '') => {
    const m = multipartFile('file', 'accounts.csv', csv);
    const res = await t.app.inject({
      method: 'POST',
      url: `/v3/sources/${sourceId}/load-accounts${query}`,
      payload: m.payload,
      headers: { ...h, ...m.headers },
    });
    expect(res.statusCode, res.body).toBe(202);
    return res.json().task.id as string;
  };
  /** The task once completed, whichever worker ran it (polled: the other worker's events are not this one's). */
  const completed = (taskId: string) =>
    until(async () => {
      const task = await read.get(`/v3/task-status/${taskId}`);
      return task.completed ? task : undefined;
    }, `task ${taskId} to complete`);
  /** A source holding accounts 1..20 (named `<prefix><id>`), each an identity of its profile, every run done. */
  const populated = async () => {
    const name = unique('Race');
    const ids = await sourceWithProfile(t, h, { name }, { name, mappings: { uid: accountAttr(name, 'name') } });
    const prefix = `${name}-`;
    const first = await completed(await upload(ids.sourceId, accountsCsv(prefix, range(1, 20))));
    for (const run of first.result.processingTaskIds) await completed(run);
    return { ...ids, csv: (ids: number[]) => accountsCsv(prefix, ids), names: (ids: number[]) => names(prefix, ids) };
  };
  /**
   * Starts the load of `a`, waits until it is inside its transaction (stopped by the gate at its
   * first write to `accounts`), then starts `b` (the other worker takes it) and waits until it is
   * as far as it can get; then both go on.
   */
  async function atTheSameMoment(sourceId: string, a: string, b: string, bQuery = '') {
    const gate = await closeGate(t, 'accounts');
    try {
      const first = await upload(sourceId, a);
      await gate.waiting(1);
      const second = await upload(sourceId, b, bQuery);
      await gate.waiting(2); // fixed: waiting for the first's lock; before: past its check, at its first write
      await gate.open();
      const done = { first: await completed(first), second: await completed(second) };
      // and the processing runs they started
      for (const run of [
        ...(done.first.result?.processingTaskIds ?? []),
        ...(done.second.result?.processingTaskIds ?? []),
      ])
        await completed(run);
      return done;
    } catch (e) {
      await gate.open().catch(() => undefined);
      throw e;
    }
  }

  it('the second decides on what the first left: alone it would remove 2 of 20, after the first 3 of 21 (over the threshold)', async () => {
    const { sourceId, profileId, csv, names } = await populated();
    const { first, second } = await atTheSameMoment(sourceId, csv(range(3, 23)), csv(range(3, 20)));
    expect(first).toMatchObject({
      completionStatus: 'Success',
      result: { added: 3, removed: 2, identitiesCreated: 3, identitiesRemoved: 2 },
    });
    expect(second.completionStatus).toBe('Error');
    expect(second.result).toMatchObject({ removed: 0, added: 0, refused: { wouldRemove: 3, accountsOnSource: 21 } }); // it saw the first's result
    expect(await read.accounts(sourceId)).toEqual(range(3, 23)); // the first applied, the second refused: as one after the other
    expect(await read.identities(profileId)).toEqual(names(range(3, 23)));
  });

  it("ends as the two files applied one after the other: the second's full aggregation removes what only the first added", async () => {
    const { sourceId, profileId, csv, names } = await populated();
    const { first, second } = await atTheSameMoment(sourceId, csv([...range(1, 20), 21]), csv([...range(1, 20), 22]));
    expect(first).toMatchObject({
      completionStatus: 'Success',
      result: { added: 1, removed: 0, identitiesCreated: 1 },
    });
    expect(second).toMatchObject({
      completionStatus: 'Success',
      result: { added: 1, removed: 1, identitiesCreated: 1, identitiesRemoved: 1 },
    });
    expect(await read.accounts(sourceId)).toEqual([...range(1, 20), 22]);
    expect(await read.identities(profileId)).toEqual(names([...range(1, 20), 22])); // none formed twice, none left over
  });

  it('a dry run waits for the load in progress and previews what it leaves', async () => {
    const { sourceId, csv } = await populated();
    const { first, second: preview } = await atTheSameMoment(
      sourceId,
      csv(range(3, 20)),
      csv(range(1, 18)),
      '?dryRun=true',
    );
    expect(first).toMatchObject({ completionStatus: 'Success', result: { removed: 2 } });
    expect(preview.result).toMatchObject({
      dryRun: true,
      accountsOnSource: 18,
      removed: 2,
      added: 2,
      refusal: expect.stringMatching(/2/),
    });
    expect(await read.accounts(sourceId)).toEqual(range(3, 20)); // the dry run wrote nothing
  });
});

describe('a load queued while another of its source is part-applied (PGlite: a step failed, its retry not yet run)', () => {
  let t: TestApp;
  let h: Record<string, string>;
  let read: ReturnType<typeof reader>;
  beforeAll(async () => {
    t = await startTestApp('pglite');
    h = await t.admin();
    read = reader(t, h);
  });
  afterAll(async () => t?.close());

  const BATCH = 2; // rows per transaction (PGlite's is 500): many steps for a small file
  /** Transactions 0–10 remove (none: 20 accounts in steps of 2), 11–17 write rows in id order 1, 10–19, 2, 20, 21: this one fails. */
  const FAIL_AT = 18;
  const noProcessing = { create: async () => undefined, start: async () => undefined };
  /** The load's staged rows and task, as the upload leaves them, without queuing its job. */
  async function stage(sourceId: string, csv: string): Promise<string> {
    const ctx = { ...t.services.ctx, jobs: { enqueue: async () => undefined, enqueueMany: async () => undefined } };
    return (await startAccountLoad(ctx, sourceId, Readable.from([csv]), { clientId: 'test', name: 'test' })).id;
  }
  /** The context, but transaction number `failAt` (from 0) fails at its end: the steps before it are committed. */
  function failingAt(failAt: number): DomainContext {
    const { ctx } = t.services;
    let n = 0;
    return {
      ...ctx,
      withTransaction: (fn) =>
        n++ !== failAt
          ? ctx.withTransaction(fn)
          : ctx.withTransaction(async (repos, scope) => {
              await fn(repos, scope);
              throw new Error('the step failed');
            }),
    };
  }

  it("completes the part-applied load first, then decides on its result; the part-applied load's retry changes nothing", async () => {
    const name = unique('Steps');
    const { sourceId, profileId } = await sourceWithProfile(
      t,
      h,
      { name },
      { name, mappings: { uid: accountAttr(name, 'name') } },
    );
    const csv = (ids: number[]) => accountsCsv(`${name}-`, ids);
    await runLoadJob(
      t.services.ctx,
      { taskId: await stage(sourceId, csv(range(1, 20))), sourceId },
      noProcessing,
      BATCH,
    );

    // adds 21..24, but a step fails midway: 21 is in, 22..24 not
    const first = await stage(sourceId, csv(range(1, 24)));
    await expect(runLoadJob(failingAt(FAIL_AT), { taskId: first, sourceId }, noProcessing, BATCH)).rejects.toThrow(
      'the step failed',
    );
    expect(await read.get(`/v3/task-status/${first}`)).toMatchObject({
      completed: null,
      result: { applied: { step: 'upsert', rows: 14, added: 1 } },
    });
    expect(await read.accounts(sourceId)).toEqual(range(1, 21));

    // a full aggregation of 1..20 and 25: now it would remove 1 of 21, after the whole first load 4 of 24 (over the threshold)
    const second = await stage(sourceId, csv([...range(1, 20), 25]));
    await runLoadJob(t.services.ctx, { taskId: second, sourceId }, noProcessing, BATCH);
    expect(await read.get(`/v3/task-status/${first}`)).toMatchObject({
      completionStatus: 'Success',
      result: { added: 4, removed: 0, identitiesCreated: 4 },
    });
    expect(await read.get(`/v3/task-status/${second}`)).toMatchObject({
      completionStatus: 'Error',
      result: { added: 0, refused: { wouldRemove: 4, accountsOnSource: 24 } },
    });
    expect(await read.accounts(sourceId)).toEqual(range(1, 24));

    await runLoadJob(t.services.ctx, { taskId: first, sourceId }, noProcessing, BATCH); // the first's own retry, a second later
    expect(await read.accounts(sourceId)).toEqual(range(1, 24));
    expect(await read.identities(profileId)).toEqual(names(`${name}-`, range(1, 24)));
  });
});
