import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadJob } from '../../../src/domain/accounts/load.js';
import { compileMappings } from '../../../src/domain/identities/evaluate.js';
import { INPUTS_LOCK } from '../../../src/db/locks.js';
import { jobsFinishing, startTestApp, type TestApp } from '../../helpers/app.js';
import { accountAttr, sourceWithProfile } from '../../helpers/identities.js';
import { POSTGRES_URL } from '../../helpers/databases.js';
import { multipartFile } from '../../helpers/multipart.js';
import { until } from '../../helpers/processes.js';

/**
 * A change of accounts can't land between a chunk's read and its write (the chunk would remember
 * inputs it never saw): the accounts triggers take an advisory lock exclusively, a chunk takes it
 * shared from its read to its commit. PostgreSQL only: embedded PGlite runs one transaction at a time.
 */
describe('accounts changes and chunk reads exclude each other on postgres', () => {
  let t: TestApp;
  let holder: pg.Client;
  let profileId: string;
  beforeAll(async () => {
    t = await startTestApp('postgres');
    holder = new pg.Client({ connectionString: POSTGRES_URL, options: `-c search_path=${t.services.database.schema}` });
    await holder.connect();
    const h = await t.admin();
    const created = await sourceWithProfile(
      t,
      h,
      { name: 'L' },
      { name: 'PL', mappings: { uid: accountAttr('L', 'name') } },
    );
    profileId = created.profileId;
    const file = multipartFile('file', 'l.csv', 'id,name\n1,a\n2,b\n');
    const loads = jobsFinishing(t, loadJob.name);
    const load = await t.app.inject({
      method: 'POST',
      url: `/v3/sources/${created.sourceId}/load-accounts`,
      payload: file.payload,
      headers: { ...h, ...file.headers },
    });
    await loads.finished(load.json().task.id);
    loads.stop();
  });
  afterAll(async () => {
    await holder?.end();
    await t?.close();
  });

  /** Another session waiting on an advisory lock (the one these tests hold or wait for). */
  const waitingOnAdvisory = () =>
    until(
      async () =>
        (
          await holder.query(
            `select pid from pg_stat_activity where wait_event_type = 'Lock' and wait_event = 'advisory' and pid <> pg_backend_pid()`,
          )
        ).rows[0]?.pid as number | undefined,
      'a session waiting on the advisory lock',
      20_000,
    );

  it('an accounts change waits for a chunk holding the lock', async () => {
    await holder.query('begin');
    await holder.query('select pg_advisory_xact_lock_shared($1)', [INPUTS_LOCK]);
    let landed = false;
    const change = t.services.database.sqlExecutor
      .executeSql(`update accounts set attributes = attributes || '{"x":"1"}' where native_identity = '1'`, [])
      .then(() => {
        landed = true;
      });
    await waitingOnAdvisory();
    expect(landed).toBe(false);
    await holder.query('commit');
    await change;
    expect(landed).toBe(true);
  });

  it('a chunk read waits for an accounts change to commit', async () => {
    await holder.query('begin');
    await holder.query(`update accounts set attributes = attributes || '{"x":"2"}' where native_identity = '2'`); // takes the lock exclusively
    const { ctx } = t.services;
    const profile = (await ctx.repos.profiles.findById(profileId))!;
    const [range] = await ctx.repos.identities.chunkBounds(profileId, 100);
    const { fingerprint } = compileMappings(profile.identityAttributeConfig, () => undefined);
    let read = false;
    const chunk = ctx
      .withTransaction((repos) => repos.identities.loadChunk(profileId, range, { fingerprint }))
      .then((r) => {
        read = true;
        return r;
      });
    await waitingOnAdvisory();
    expect(read).toBe(false);
    await holder.query('commit');
    expect((await chunk).inRange).toBe(2);
  });
});
