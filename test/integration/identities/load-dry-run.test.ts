import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, waitForTask, type TestApp } from '../../helpers/app.js';
import { DATABASES } from '../../helpers/databases.js';
import { accountAttr, sourceWithProfile } from '../../helpers/identities.js';
import { loadClient } from '../../helpers/loads.js';

const COUNTS = [
  'accountsOnSource',
  'rows',
  'added',
  'updated',
  'unchanged',
  'removed',
  'rejected',
  'identitiesCreated',
  'identitiesRemoved',
] as const;
const pick = (r: Record<string, unknown>, keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, r[k]]));

/**
 * `?dryRun=true` on load-accounts: the counts the real load would report — accounts added,
 * updated, unchanged, removed, rejected, identities created and removed — with examples, and
 * whether the delete threshold would refuse it; nothing written. And a load that changed
 * nothing starts no processing run.
 */
describe.each(DATABASES)('dry runs of loads on %s', (kind) => {
  let t: TestApp;
  let h: Record<string, string>;
  let c: ReturnType<typeof loadClient>;
  beforeAll(async () => {
    t = await startTestApp(kind);
    h = await t.admin();
    c = loadClient(t, h);
  });
  afterAll(async () => t?.close());

  /** Everything a load may write: the source's accounts and header, identities, processing runs, staged rows. */
  const snapshot = async (sourceId: string) => ({
    accounts: await c.accountsOf(sourceId),
    identities: await c.identities(),
    source: await c.getSource(sourceId),
    runs: await c.processingRuns(),
    staged: (await sql<{ n: number }>`select count(*)::int as n from account_load_rows`.execute(t.services.database.db))
      .rows[0].n,
  });

  it('reports exactly what the real load then does, with examples, and writes nothing', async () => {
    const { sourceId } = await sourceWithProfile(
      t,
      h,
      { name: 'Dry HR' },
      { name: 'Dry', mappings: { uid: accountAttr('Dry HR', 'name') } },
    );
    const first = await c.load(sourceId, 'id,name,dept\n1,ann,a\n2,bob,b\n3,cy,c\n4,di,d\n');
    await waitForTask(t, first.result.processingTaskIds[0]); // identities get their uid (correlation reads it)
    // 1 unchanged, 2 updated, 3 and 4 removed (their identities with them), 5 new (a new identity),
    // 6 new but named like ann's uid (joins ann), one rejected row; a column the source never had
    const file = 'id,name,dept,title\n1,ann,a,\n2,bob,B2,\n5,eve,e,\n6,ANN,x,Boss\n7\n';
    const before = await snapshot(sourceId);

    const dry = await c.load(sourceId, file, 'dryRun=true&allowDeletes=2');
    expect(dry.completionStatus).toBe('Warning'); // a rejected row, as the real load
    expect(dry.messages[0].localizedText.message).toMatch(/^Dry run: .*Nothing was written\.$/);
    expect(dry.result).toMatchObject({
      dryRun: true,
      accountsOnSource: 4,
      rows: 4,
      added: 2,
      updated: 1,
      unchanged: 1,
      removed: 2,
      rejected: 1,
      identitiesCreated: 1,
      identitiesRemoved: 2,
      deleteThreshold: 10,
      deletesAllowed: 2,
    });
    expect(dry.result.refusal).toBeUndefined();
    expect(dry.result.rejections).toEqual([{ line: 6, reason: 'expected 4 columns, found 1' }]);
    expect(dry.result.samples).toEqual({
      added: [
        { line: 4, nativeIdentity: '5', name: 'eve' },
        { line: 5, nativeIdentity: '6', name: 'ANN' },
      ],
      updated: [{ line: 3, nativeIdentity: '2', name: 'bob', changed: ['dept'] }],
      removed: [
        { nativeIdentity: '3', name: 'cy' },
        { nativeIdentity: '4', name: 'di' },
      ],
      identitiesCreated: [{ line: 4, nativeIdentity: '5', name: 'eve' }],
      identitiesRemoved: [
        { id: expect.any(String), name: 'cy' },
        { id: expect.any(String), name: 'di' },
      ],
    });
    expect(await snapshot(sourceId)).toEqual(before);

    const real = await c.load(sourceId, file, 'allowDeletes=2');
    expect(real.completionStatus).toBe('Warning');
    expect(pick(real.result, COUNTS.slice(1))).toEqual(pick(dry.result, COUNTS.slice(1)));
    const removed = dry.result.samples.identitiesRemoved.map((i: { id: string }) => i.id);
    expect((await c.identities()).filter((i) => removed.includes(i.id))).toEqual([]);
    expect((await c.accountsOf(sourceId)).find((a) => a.nativeIdentity === '6')?.identityId).toBe(
      before.accounts[0].identityId,
    );
  });

  it('says when the real load would be refused, and why', async () => {
    const src = await c.newSource();
    await c.load(src.id, 'id,name\n1,a\n2,b\n3,c\n');
    const dry = await c.load(src.id, 'id,name\n1,a\n', 'dryRun=true');
    expect(dry.completionStatus).toBe('Warning');
    expect(dry.result).toMatchObject({ removed: 2, deletesAllowed: 1 });
    expect(dry.result.refusal).toMatch(/^This load would remove 2 of the source's 3 accounts \(66\.7%\)/);
    expect(dry.messages.map((m: any) => [m.type, m.localizedText.message])).toContainEqual([
      'WARN',
      `The real load would be refused: ${dry.result.refusal}`,
    ]);
    const empty = await c.load(src.id, 'id,name\n', 'dryRun=true');
    expect(empty.result).toMatchObject({
      rows: 0,
      removed: 3,
      refusal: expect.stringMatching(/^The file has no data rows/),
    });
    expect((await c.accountsOf(src.id)).map((a) => a.nativeIdentity)).toEqual(['1', '2', '3']);
  });

  it('starts no processing run for a load that changed nothing, and one for a load that did', async () => {
    const { sourceId, profileId } = await sourceWithProfile(
      t,
      h,
      { name: 'Same HR' },
      { name: 'Same', mappings: { uid: accountAttr('Same HR', 'name') } },
    );
    const file = 'id,name\n1,ann\n2,bob\n';
    const first = await c.load(sourceId, file);
    await waitForTask(t, first.result.processingTaskIds[0]);
    const runs = await c.processingRuns();
    const again = await c.load(sourceId, file);
    expect(again.completionStatus).toBe('Success');
    expect(again.result).toMatchObject({
      added: 0,
      updated: 0,
      unchanged: 2,
      removed: 0,
      identitiesCreated: 0,
      identitiesRemoved: 0,
      processingTaskIds: [],
    });
    expect(again.messages[0].localizedText.message).toMatch(/Nothing changed, so no processing run was started\.$/);
    expect(await c.processingRuns()).toBe(runs);
    const changed = await c.load(sourceId, 'id,name\n1,ann\n2,bobby\n');
    expect(changed.result.processingTaskIds).toHaveLength(1);
    expect((await waitForTask(t, changed.result.processingTaskIds[0])).target.id).toBe(profileId);
  });
});
