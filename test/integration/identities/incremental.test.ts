import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOAD_JOB } from '../../../src/domain/accounts/load.js';
import { jobsFinishing, startTestApp, waitForTask, type TestApp } from '../../helpers/app.js';
import { DATABASES } from '../../helpers/databases.js';
import { multipartFile } from '../../helpers/multipart.js';

/**
 * Processing skips identities whose inputs did not change (the input fingerprint), but never
 * what changed around them: a manager who appears in a later load is correlated although the
 * report's own account is the same, and a run over unchanged identities writes nothing.
 */
describe.each(DATABASES)('incremental processing on %s', (kind) => {
  let t: TestApp;
  let h: Record<string, string>;
  let sourceId: string;
  let profileId: string;

  beforeAll(async () => {
    t = await startTestApp(kind);
    h = await t.admin();
    sourceId = (await t.app.inject({ method: 'POST', url: '/v3/sources', headers: h, payload: { name: 'HR', managerCorrelationMapping: { accountAttributeName: 'managerId', identityAttributeName: 'employeeNumber' } } })).json().id;
    const attr = (attributeName: string) => ({ type: 'accountAttribute', attributes: { attributeName, sourceName: 'HR' } });
    const profile = await t.app.inject({
      method: 'POST', url: '/v3/identity-profiles', headers: h,
      payload: { name: 'Staff', authoritativeSource: { id: sourceId }, identityAttributeConfig: { enabled: true, attributeTransforms: [
        { identityAttributeName: 'uid', transformDefinition: attr('name') },
        { identityAttributeName: 'employeeNumber', transformDefinition: attr('id') },
        { identityAttributeName: 'department', transformDefinition: { type: 'upper', attributes: { input: attr('dept') } } },
      ] } },
    });
    profileId = profile.json().id;
  });
  afterAll(async () => t?.close());

  /** Loads the CSV and waits for the processing run the load queued (after its own task completed). */
  const load = async (csv: string) => {
    const file = multipartFile('file', 'hr.csv', csv);
    const loads = jobsFinishing(t, LOAD_JOB);
    const res = await t.app.inject({ method: 'POST', url: `/v3/sources/${sourceId}/load-accounts`, payload: file.payload, headers: { ...h, ...file.headers } });
    await loads.finished(res.json().task.id);
    loads.stop();
    expect((await waitForTask(t, res.json().task.id)).completionStatus).toBe('Success');
    const run = await t.services.database.db.selectFrom('tasks').select('id').where('type', '=', 'IDENTITY_PROFILE_PROCESS').orderBy('launched', 'desc').executeTakeFirstOrThrow();
    return waitForTask(t, run.id);
  };
  const people = async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v2025/identities?sorters=name', headers: h });
    return (res.json() as Array<{ name: string; modified: string; lastRefresh: string; attributes: Record<string, unknown>; managerRef: { name: string } | null }>);
  };

  it('correlates a manager who appears later although the report’s account did not change', async () => {
    const first = await load('id,name,dept,managerId\ne2,bo,eng,e1\ne3,cy,ops,e2\n');
    expect(first.result).toMatchObject({ processed: 2, changed: 2, failed: 0 });
    expect((await people()).map((p) => [p.name, p.attributes.department, p.managerRef?.name ?? null])).toEqual([['bo', 'ENG', null], ['cy', 'OPS', 'bo']]);

    const second = await load('id,name,dept,managerId\ne1,al,exec,\ne2,bo,eng,e1\ne3,cy,ops,e2\n');
    // al is new; bo's account is unchanged but his manager now exists; cy is untouched
    expect(second.result).toMatchObject({ processed: 3, changed: 2, failed: 0 });
    expect((await people()).map((p) => [p.name, p.managerRef?.name ?? null])).toEqual([['al', null], ['bo', 'al'], ['cy', 'bo']]);
  });

  it('writes nothing when nothing changed (only lastRefresh moves: the profile was processed)', async () => {
    const stored = async () => (await people()).map(({ lastRefresh, ...rest }) => rest);
    const before = await stored();
    const res = await t.app.inject({ method: 'POST', url: `/v3/identity-profiles/${profileId}/process-identities`, headers: h });
    const run = await waitForTask(t, res.headers.location!.toString().split('/').pop()!);
    expect(run.result).toMatchObject({ total: 3, processed: 3, changed: 0, failed: 0 });
    expect(await stored()).toEqual(before);
  });
});
