import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, waitForTask, type TestApp } from '../../helpers/app.js';
import { DATABASES } from '../../helpers/databases.js';
import { csvOf, loadClient, range } from '../../helpers/loads.js';
import { multipartFile } from '../../helpers/multipart.js';

/**
 * A bad file never wipes a source (product decision 15): a file with no data rows, or whose
 * every row was rejected, removes nothing; a load that would remove more than the source's
 * `deleteThreshold` (percent, default 10) applies nothing — no removal, no addition, no update —
 * and ends in error saying how many it would have removed and how to proceed.
 */
describe.each(DATABASES)('the delete threshold of loads on %s', (kind) => {
  let t: TestApp;
  let c: ReturnType<typeof loadClient>;
  beforeAll(async () => {
    t = await startTestApp(kind);
    c = loadClient(t, await t.admin());
  });
  afterAll(async () => t?.close());

  /** A source holding accounts 1..n, with a profile on it so that they are identities too. */
  const populated = async (n: number, extra: object = {}) => {
    const src = await c.newSource(extra);
    const profile = await t.app.inject({
      method: 'POST',
      url: '/v3/identity-profiles',
      headers: await t.admin(),
      payload: { name: `P-${src.id}`, authoritativeSource: { id: src.id } },
    });
    expect(profile.statusCode).toBe(201);
    const first = await c.load(src.id, csvOf(range(1, n)));
    expect(first.result).toMatchObject({ added: n, identitiesCreated: n });
    await waitForTask(t, first.result.processingTaskIds[0]);
    return { src, accounts: await c.accountsOf(src.id), people: await c.identities() };
  };
  const messageOf = (task: any) => task.messages.map((m: any) => m.localizedText.message).join('\n');

  it('a file with only a header removes nothing, and says so; no override makes it', async () => {
    const { src, accounts, people } = await populated(30);
    for (const query of ['', 'allowDeletes=1000']) {
      const task = await c.load(src.id, 'id,name\n', query);
      expect(task.completionStatus).toBe('Error');
      expect(messageOf(task)).toMatch(
        /The file has no data rows: a load never removes accounts.*nothing was applied and the source keeps its 30 account\(s\)/,
      );
      expect(task.result).toMatchObject({
        rows: 0,
        removed: 0,
        processingTaskIds: [],
        refused: { reason: 'noRows', wouldRemove: 30, accountsOnSource: 30 },
      });
    }
    expect(await c.accountsOf(src.id)).toEqual(accounts); // same ids, same modified: untouched
    expect(await c.identities()).toEqual(people);
  });

  it('a file whose every row was rejected removes nothing, and lists the rejected rows', async () => {
    const { src, accounts } = await populated(5);
    const task = await c.load(src.id, 'id,name\n1\n2\n,nobody\n');
    expect(task.completionStatus).toBe('Error');
    expect(messageOf(task)).toMatch(/Every row of the file \(3\) was rejected: .*keeps its 5 account\(s\)/);
    expect(task.result).toMatchObject({ removed: 0, rejected: 3, refused: { reason: 'noRows', wouldRemove: 5 } });
    expect(task.result.rejections.map((r: any) => r.line)).toEqual([2, 3, 4]);
    expect(await c.accountsOf(src.id)).toEqual(accounts);
  });

  it('a load above the threshold applies nothing at all and says how many it would remove and how to proceed', async () => {
    const { src, accounts } = await populated(20);
    // 3 of 20 removed (15% > 10%, at most 2), plus one new account and one changed: none of it may land
    const file = `${csvOf(range(4, 20)).replace('5,user5', '5,renamed')}21,user21\n`;
    const task = await c.load(src.id, file);
    expect(task.completionStatus).toBe('Error');
    const message = messageOf(task);
    expect(message).toContain(
      "This load would remove 3 of the source's 20 accounts (15%), more than its deleteThreshold of 10% (at most 2) allows, so nothing was applied.",
    );
    expect(message).toContain('--allow-deletes 3');
    expect(message).toContain('?allowDeletes=3');
    expect(message).toContain('/deleteThreshold');
    expect(task.result).toMatchObject({
      added: 0,
      updated: 0,
      removed: 0,
      refused: {
        reason: 'deleteThreshold',
        wouldRemove: 3,
        accountsOnSource: 20,
        deleteThreshold: 10,
        deletesAllowed: 2,
      },
    });
    expect(await c.accountsOf(src.id)).toEqual(accounts);
    const staged = await t.services.database.db
      .selectFrom('accountLoadRows')
      .select('taskId')
      .where('taskId', '=', task.id)
      .execute();
    expect(staged).toEqual([]); // the staged rows are dropped

    // an override below what the file removes is refused too, and named
    const short = await c.load(src.id, file, 'allowDeletes=2');
    expect(short.completionStatus).toBe('Error');
    expect(messageOf(short)).toContain("and this load's allowDeletes of 2 allows");
    // the number the refusal named lets exactly this file through
    const allowed = await c.load(src.id, file, 'allowDeletes=3');
    expect(allowed.completionStatus).toBe('Success');
    expect(allowed.result).toMatchObject({ added: 1, updated: 1, removed: 3 });
    expect((await c.accountsOf(src.id)).map((a) => a.nativeIdentity)).toEqual(range(4, 21).map(String).sort());
  });

  it("removes up to the threshold, and more once the source's deleteThreshold is raised", async () => {
    const { src } = await populated(20);
    expect((await c.load(src.id, csvOf(range(3, 20)))).result).toMatchObject({ removed: 2 }); // 10% of 20
    expect((await c.load(src.id, csvOf(range(9, 20)))).completionStatus).toBe('Error'); // 6 of 18
    const patch = await t.app.inject({
      method: 'PATCH',
      url: `/v3/sources/${src.id}`,
      payload: [{ op: 'replace', path: '/deleteThreshold', value: 50 }],
      headers: { ...(await t.admin()), 'content-type': 'application/json-patch+json' },
    });
    expect(patch.statusCode).toBe(200);
    expect(patch.json().deleteThreshold).toBe(50);
    expect((await c.load(src.id, csvOf(range(9, 20)))).result).toMatchObject({ removed: 6 });
  });

  it('refuses a malformed allowDeletes or dryRun with a 400 naming it, before reading the file', async () => {
    const src = await c.newSource();
    for (const query of ['allowDeletes=-1', 'allowDeletes=all', 'allowDeletes=1.5', 'dryRun=maybe']) {
      const m = multipartFile('file', 'a.csv', 'id,name\n1,a\n');
      const res = await t.app.inject({
        method: 'POST',
        url: `/v3/sources/${src.id}/load-accounts?${query}`,
        payload: m.payload,
        headers: { ...(await t.admin()), ...m.headers },
      });
      expect(res.statusCode, query).toBe(400);
      expect(res.json().messages[0].text, query).toContain(query.split('=')[0]);
    }
    expect(await c.accountsOf(src.id)).toEqual([]);
  });

  it('on a tiny source one removal is always allowed (when the threshold is above 0), two of three are not', async () => {
    const { src } = await populated(3);
    expect((await c.load(src.id, csvOf([1, 2]))).result).toMatchObject({ removed: 1 });
    const two = await c.load(src.id, csvOf([9]));
    expect(two.completionStatus).toBe('Error');
    expect(messageOf(two)).toContain(
      "would remove 2 of the source's 2 accounts (100%), more than its deleteThreshold of 10% (at most 1)",
    );
    const strict = await c.newSource({ deleteThreshold: 0 });
    await c.load(strict.id, csvOf([1, 2]));
    expect((await c.load(strict.id, csvOf([1]))).result.refused).toMatchObject({
      deleteThreshold: 0,
      deletesAllowed: 0,
      wouldRemove: 1,
    });
    expect((await c.load(strict.id, csvOf([1]), 'allowDeletes=1')).result).toMatchObject({ removed: 1 });
  });
});
