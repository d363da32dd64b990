import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { DATABASES } from '../../helpers/databases.js';
import { accountAttr, loadAndProcess, sourceWithProfile } from '../../helpers/identities.js';

/**
 * The manager found while a chunk is read (the correlated identity attribute is the account id
 * column): the owner of the account named by the first of the identity's keys, in account order,
 * that belongs to someone else — never the identity itself, and nobody when no account matches.
 */
describe.each(DATABASES)('the manager lookup on %s', (kind) => {
  let t: TestApp;
  let h: Record<string, string>;
  let sourceId: string;

  beforeAll(async () => {
    t = await startTestApp(kind);
    h = await t.admin();
    ({ sourceId } = await sourceWithProfile(
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
        },
      },
    ));
  });
  afterAll(async () => t?.close());

  const load = (csv: string) => loadAndProcess(t, h, sourceId, csv);
  const managers = async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v2025/identities?sorters=name', headers: h });
    return (res.json() as Array<{ name: string; managerRef: { name: string } | null }>).map((p) => [
      p.name,
      p.managerRef?.name ?? null,
    ]);
  };

  it('finds no manager for a key naming the identity itself or no account', async () => {
    const run = await load('id,name,managerId\n1,alice,\n2,bob,2\n3,carol,99\n4,dave,1\n');
    expect(run.result).toMatchObject({ processed: 4, failed: 0 });
    expect(await managers()).toEqual([
      ['alice', null],
      ['bob', null],
      ['carol', null],
      ['dave', 'alice'],
    ]);
  });

  it('passes over a key naming the identity itself to the next of its accounts', async () => {
    // a second account named bob joins bob's identity (correlation by uid): its key, after the
    // first account's own id, names alice
    const run = await load('id,name,managerId\n1,alice,\n2,bob,2\n3,carol,99\n4,dave,1\n5,Bob,1\n');
    expect(run.result).toMatchObject({ processed: 4, changed: 1, failed: 0 }); // bob's new account: only bob is read and changes
    expect(await managers()).toEqual([
      ['alice', null],
      ['bob', 'alice'],
      ['carol', null],
      ['dave', 'alice'],
    ]);
  });

  it('takes the first key, in account order, that names someone else', async () => {
    // bob's first account now names carol: she comes before alice
    const run = await load('id,name,managerId\n1,alice,\n2,bob,3\n3,carol,99\n4,dave,1\n5,Bob,1\n');
    expect(run.result).toMatchObject({ processed: 4, changed: 1, failed: 0 });
    expect(await managers()).toEqual([
      ['alice', null],
      ['bob', 'carol'],
      ['carol', null],
      ['dave', 'alice'],
    ]);
  });
});
