import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileMappings } from '../../../src/domain/identities/evaluate.js';
import { managerLookupFor } from '../../../src/domain/identities/manager-lookup.js';
import { apiClient } from '../../helpers/api/index.js';
import { startTestApp, waitForTask, type TestApp } from '../../helpers/app.js';
import { DATABASES } from '../../helpers/databases.js';
import { accountAttr, loadAndProcess, sourceWithProfile } from '../../helpers/identities.js';

/**
 * Processing skips identities whose inputs did not change (the run key, cleared by any change of
 * their accounts), but never what changed around them: a manager who appears in a later load is
 * correlated although the report's own account is the same, a renamed source re-evaluates
 * everyone, and a run over unchanged identities writes nothing.
 */
describe.each(DATABASES)('incremental processing on %s', (kind) => {
  let t: TestApp;
  let h: Record<string, string>;
  let sourceId: string;
  let profileId: string;

  beforeAll(async () => {
    t = await startTestApp(kind);
    h = await t.admin();
    ({ sourceId, profileId } = await sourceWithProfile(
      t,
      h,
      {
        name: 'HR',
        managerCorrelationMapping: { accountAttributeName: 'managerId', identityAttributeName: 'employeeNumber' },
      },
      {
        name: 'Staff',
        mappings: {
          uid: accountAttr('HR', 'name'),
          employeeNumber: accountAttr('HR', 'id'),
          department: { type: 'upper', attributes: { input: accountAttr('HR', 'dept') } },
        },
      },
    ));
  });
  afterAll(async () => t?.close());

  const load = (csv: string) => loadAndProcess(t, h, sourceId, csv);
  const api = apiClient(() => t);
  const people = () => api.identities.list({ sorters: 'name' });
  /** Processes the profile's identities (a run through the API); answers the run's task, completed. */
  const processProfile = async () => api.tasks.wait(await api.identityProfiles.process(profileId));

  it('correlates a manager who appears later although the report’s account did not change', async () => {
    const first = await load('id,name,dept,managerId\ne2,bo,eng,e1\ne3,cy,ops,e2\n');
    expect(first.result).toMatchObject({ processed: 2, changed: 2, failed: 0 });
    expect((await people()).map((p) => [p.name, p.attributes.department, p.managerRef?.name ?? null])).toEqual([
      ['bo', 'ENG', null],
      ['cy', 'OPS', 'bo'],
    ]);

    const second = await load('id,name,dept,managerId\ne1,al,exec,\ne2,bo,eng,e1\ne3,cy,ops,e2\n');
    // al is new; bo's account is unchanged but his manager now exists; cy is untouched
    expect(second.result).toMatchObject({ processed: 3, changed: 2, failed: 0 });
    expect((await people()).map((p) => [p.name, p.managerRef?.name ?? null])).toEqual([
      ['al', null],
      ['bo', 'al'],
      ['cy', 'bo'],
    ]);
  });

  it('writes nothing when nothing changed (only lastRefresh moves: the profile was processed)', async () => {
    const stored = async () => (await people()).map(({ lastRefresh, ...rest }) => rest);
    const before = await stored();
    const run = await processProfile();
    expect(run.result).toMatchObject({ total: 3, processed: 3, changed: 0, failed: 0 });
    expect(await stored()).toEqual(before);
  });

  /** The identities a run would read now: those it evaluates (the others count as unchanged). */
  const toEvaluate = async () => {
    const { repos } = t.services.ctx;
    const profile = (await repos.profiles.findById(profileId))!;
    const source = await repos.sources.findById(sourceId);
    const { fingerprint } = compileMappings(profile.identityAttributeConfig, () => undefined);
    const [range] = await repos.identities.chunkBounds(profileId, 1000);
    const read = await t.services.ctx.withTransaction((r) =>
      r.identities.loadChunk(profileId, range, { fingerprint, managerLookup: managerLookupFor(profile, source) }),
    );
    return [...read.identities].map((i) => i.name).sort();
  };

  it('reads only identities whose accounts changed, whatever statement changed them', async () => {
    expect(await toEvaluate()).toEqual([]);
    await sql`update accounts set attributes = attributes || '{"dept":"sales"}' where native_identity = 'e3'`.execute(
      t.services.database.db,
    );
    expect(await toEvaluate()).toEqual(['cy']);
    const res = await t.app.inject({
      method: 'POST',
      url: `/v3/identity-profiles/${profileId}/process-identities`,
      headers: h,
    });
    expect((await waitForTask(t, res.headers.location!.toString().split('/').pop()!)).result).toMatchObject({
      processed: 3,
      changed: 1,
    });
    expect((await people()).find((p) => p.name === 'cy')?.attributes.department).toBe('SALES');
    expect(await toEvaluate()).toEqual([]);
  });

  it("keeps the run key when only an account's disabled flag changes (processing never reads it), not when its modified time or more changes", async () => {
    expect(await toEvaluate()).toEqual([]);
    const bo = (
      await t.services.ctx.repos.accounts.list({ sorters: [], limit: 250, offset: 0, count: false })
    ).items.find((a) => a.nativeIdentity === 'e2')!;
    const disabled = await t.app.inject({
      method: 'POST',
      url: `/v3/accounts/${bo.id}/disable`,
      headers: h,
      payload: {},
    });
    expect(disabled.statusCode, disabled.body).toBe(202);
    const after = await t.services.ctx.repos.accounts.findById(bo.id);
    // disabling leaves `modified` as it was: a mapping may pick accounts by it (accountSortAttribute)
    expect([after?.disabled, after?.modified]).toEqual([true, bo.modified]);
    expect(await toEvaluate()).toEqual([]);
    await sql`update accounts set modified = modified + interval '1 second' where id = ${bo.id}`.execute(
      t.services.database.db,
    );
    expect(await toEvaluate()).toEqual(['bo']);
    await sql`update accounts set disabled = false, attributes = attributes || '{"dept":"eng2"}' where id = ${bo.id}`.execute(
      t.services.database.db,
    );
    expect(await toEvaluate()).toEqual(['bo']);
    await sql`update accounts set attributes = attributes || '{"dept":"eng"}' where id = ${bo.id}`.execute(
      t.services.database.db,
    );
    await processProfile();
    expect(await toEvaluate()).toEqual([]);
  });

  it('re-evaluates everyone after a source is renamed (mappings pick accounts by source name)', async () => {
    // the API has no source update yet; the run key must cover a rename whatever makes it
    const rename = async (name: string) =>
      void (await sql`update sources set name = ${name} where id = ${sourceId}`.execute(t.services.database.db));
    await rename('People');
    expect(await toEvaluate()).toEqual(['al', 'bo', 'cy']);
    await processProfile();
    // the mappings name source 'HR', which no longer exists
    expect((await people()).map((p) => p.attributes.department)).toEqual([null, null, null]);
    await rename('HR');
    const again = await t.app.inject({
      method: 'POST',
      url: `/v3/identity-profiles/${profileId}/process-identities`,
      headers: h,
    });
    expect((await waitForTask(t, again.headers.location!.toString().split('/').pop()!)).result).toMatchObject({
      processed: 3,
      changed: 3,
    });
    expect((await people()).map((p) => p.attributes.department)).toEqual(['EXEC', 'ENG', 'SALES']);
  });

  it('removes a departed identity with its state, and it manages no one any more', async () => {
    await load('id,name,dept,managerId\ne2,bo,eng,e1\ne3,cy,sales,e2\n');
    expect((await people()).map((p) => [p.name, p.managerRef?.name ?? null])).toEqual([
      ['bo', null],
      ['cy', 'bo'],
    ]);
    const { db } = t.services.database;
    const orphans = await sql<{
      n: number;
    }>`select count(*)::int as n from identity_state s where not exists (select 1 from identities i where i.id = s.identity_id)
      or (s.manager_id is not null and not exists (select 1 from identities m where m.id = s.manager_id))`.execute(db);
    expect(orphans.rows[0].n).toBe(0);
  });
});
