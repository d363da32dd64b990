import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad, runProcess } from '../../src/cli/load-process.js';
import { renderBar } from '../../src/cli/progress.js';
import { apiClient } from '../helpers/api/index.js';
import { listenForCli, startTestApp, type TestApp } from '../helpers/app.js';

/** `idprofiles load` and `idprofiles process` against a real server over HTTP. */
describe('CLI load and process', () => {
  let t: TestApp;
  let flags: string[];
  let h: Record<string, string>;
  beforeAll(async () => {
    t = await startTestApp('pglite');
    flags = await listenForCli(t, 'cli');
    h = await t.admin();
  });
  afterAll(async () => t?.close());
  const api = apiClient(() => t);

  const capture = () => {
    const out = new PassThrough() as PassThrough & { isTTY?: boolean };
    let text = '';
    out.on('data', (d) => (text += d));
    return { out: out as unknown as NodeJS.WriteStream, text: () => text };
  };

  it('loads a CSV by source name and prints the summary with rejected lines', async () => {
    await api.sources.create({ name: 'HR Feed' });
    const dir = mkdtempSync(join(tmpdir(), 'idp-'));
    const file = join(dir, 'hr.csv');
    writeFileSync(file, 'id,name,mail\n1,ann,A@X\n2,bob\n3,cy,c@x\n');
    const { out, text } = capture();
    expect(await runLoad(['HR Feed', file, ...flags], out)).toBe(0);
    expect(text()).toContain('Uploading');
    expect(text()).toMatch(
      /Warning: 2 rows — 2 added, 0 updated, 0 unchanged, 0 removed, 1 rejected; 0 new identities, 0 removed\./,
    );
    expect(text()).toContain('line 3: expected 3 columns, found 2');
  });

  it('processes a profile by name, and a dry run reports per attribute', async () => {
    const src = (
      await t.app.inject({ method: 'GET', url: '/v3/sources?filters=name%20eq%20%22HR%20Feed%22', headers: h })
    ).json()[0];
    const res = await t.app.inject({
      method: 'POST',
      url: '/v3/identity-profiles',
      headers: h,
      payload: {
        name: 'Staff',
        authoritativeSource: { id: src.id },
        identityAttributeConfig: {
          enabled: true,
          attributeTransforms: [
            {
              identityAttributeName: 'email',
              transformDefinition: {
                type: 'lower',
                attributes: {
                  input: { type: 'accountAttribute', attributes: { sourceName: 'HR Feed', attributeName: 'mail' } },
                },
              },
            },
          ],
        },
      },
    });
    expect(res.statusCode).toBe(201);
    // the profile formed identities from the loaded accounts; a load that changes one starts a run
    // (one that changes nothing starts none)
    const dir = mkdtempSync(join(tmpdir(), 'idp-'));
    writeFileSync(join(dir, 'hr.csv'), 'id,name,mail\n1,ann,A@X\n3,cy,C@X\n');
    const loaded = capture();
    expect(await runLoad([src.id, join(dir, 'hr.csv'), ...flags], loaded.out)).toBe(0);
    expect(loaded.text()).toMatch(/Processing started: task [0-9a-f]{32} \(GET \/v3\/task-status\/[0-9a-f]{32}\)/);
    const dry = capture();
    expect(await runProcess(['Staff', '--dry-run', ...flags], dry.out)).toBe(0);
    expect(dry.text()).toMatch(/dry run \[#+\] 100%/);
    const run = capture();
    expect(await runProcess(['staff', ...flags], run.out)).toBe(0);
    expect(run.text()).toMatch(/Success: 2 of 2 identities processed, 0 changed, 0 failed/);
  });

  it('previews a load with --dry-run, and refuses one above the threshold until --allow-deletes names the removals', async () => {
    const src = await api.sources.create({ name: 'Guarded' });
    const dir = mkdtempSync(join(tmpdir(), 'idp-'));
    writeFileSync(join(dir, 'all.csv'), 'id,name\n1,a\n2,b\n3,c\n4,d\n');
    writeFileSync(join(dir, 'some.csv'), 'id,name\n1,a\n2,bee\n5,e\n');
    expect(await runLoad(['Guarded', join(dir, 'all.csv'), ...flags], capture().out)).toBe(0);

    const dry = capture();
    expect(await runLoad(['Guarded', join(dir, 'some.csv'), '--dry-run', ...flags], dry.out)).toBe(0);
    expect(dry.text()).toContain(
      'Would load 3 rows into a source of 4 accounts — 1 added, 1 updated, 1 unchanged, 2 removed, 0 rejected; 0 new identities, 0 removed. Nothing was written.',
    );
    expect(dry.text()).toContain('  added: e (5, line 4)\n  updated: bee (2: name)\n  removed: c (3), d (4)\n');
    expect(dry.text()).toMatch(
      /WARN: The real load would be refused: This load would remove 2 of the source's 4 accounts \(50%\)/,
    );

    const refused = capture();
    expect(await runLoad(['Guarded', join(dir, 'some.csv'), ...flags], refused.out)).toBe(1);
    expect(refused.text()).toContain('Error: nothing was applied.\nERROR: This load would remove 2 of');
    expect(refused.text()).toContain('--allow-deletes 2');
    const allowed = capture();
    expect(await runLoad(['Guarded', join(dir, 'some.csv'), '--allow-deletes', '2', ...flags], allowed.out)).toBe(0);
    expect(allowed.text()).toContain('Success: 3 rows — 1 added, 1 updated, 1 unchanged, 2 removed, 0 rejected');
    const accounts = await api.sources.accounts(src.id);
    expect(accounts.map((a: { nativeIdentity: string; name: string }) => `${a.nativeIdentity}:${a.name}`)).toEqual([
      '1:a',
      '2:bee',
      '5:e',
    ]);
  });

  it('lists rejected rows in line order, also a duplicate found when its batch is staged', async () => {
    await api.sources.create({ name: 'Ordered' });
    // 1,100 rows: line 1010 repeats line 2's id (found when the second batch of 1,000 is staged),
    // line 1050 is malformed (found as it is read, before that)
    const rows = Array.from({ length: 1100 }, (_, i) =>
      i + 2 === 1010 ? '1,again' : i + 2 === 1050 ? 'broken' : `${i + 1},n${i + 1}`,
    );
    const file = join(mkdtempSync(join(tmpdir(), 'idp-')), 'ordered.csv');
    writeFileSync(file, `id,name\n${rows.join('\n')}\n`);
    const { out, text } = capture();
    expect(await runLoad(['Ordered', file, ...flags], out)).toBe(0);
    expect(
      text()
        .split('\n')
        .filter((l) => l.startsWith('  line ')),
    ).toEqual(["  line 1010: duplicate account id '1' (first on line 2)", '  line 1050: expected 2 columns, found 1']);
  });

  it('says how many identities changed manager', async () => {
    const src = await api.sources.create({
      name: 'Org',
      managerCorrelationMapping: { accountAttributeName: 'managerId', identityAttributeName: 'employeeNumber' },
    });
    const file = join(mkdtempSync(join(tmpdir(), 'idp-')), 'org.csv');
    writeFileSync(file, 'id,name,managerId\n1,boss,\n2,ann,1\n3,bob,1\n');
    expect(await runLoad(['Org', file, ...flags], capture().out)).toBe(0);
    const created = await t.app.inject({
      method: 'POST',
      url: '/v3/identity-profiles',
      headers: h,
      payload: {
        name: 'Org people',
        authoritativeSource: { id: src.id },
        identityAttributeConfig: {
          enabled: true,
          attributeTransforms: [
            {
              identityAttributeName: 'employeeNumber',
              transformDefinition: { type: 'accountAttribute', attributes: { sourceName: 'Org', attributeName: 'id' } },
            },
          ],
        },
      },
    });
    expect(created.statusCode).toBe(201);
    const run = capture();
    expect(await runProcess(['Org people', ...flags], run.out)).toBe(0);
    expect(run.text()).toMatch(
      /Success: 3 of 3 identities processed, 3 changed, 0 failed, 2 identities changed manager\.\n/,
    );
  });

  it('names the file and what is wrong with it (exit 2) before sending anything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'idp-'));
    const err = capture();
    expect(await runLoad(['HR Feed', join(dir, 'missing.csv'), ...flags], capture().out, err.out)).toBe(2);
    expect(await runLoad(['HR Feed', dir, ...flags], capture().out, err.out)).toBe(2);
    expect(
      await runLoad(['HR Feed', join(dir, 'x.csv'), '--allow-deletes', 'all', ...flags], capture().out, err.out),
    ).toBe(2);
    expect(err.text().split('\n')).toEqual([
      `Cannot load '${join(dir, 'missing.csv')}': no such file.`,
      `Cannot load '${dir}': it is a directory, not a file.`,
      "--allow-deletes needs a number of accounts (0 or more); got 'all'.",
      '',
    ]);
  });

  it('says clearly what is wrong: unknown profile, unreachable server', async () => {
    await expect(runProcess(['No Such Profile', ...flags], capture().out)).rejects.toThrow(
      /No identity profile with id or name 'No Such Profile'/,
    );
    await expect(
      runProcess(['x', '--url', 'http://127.0.0.1:1', '--client-id', 'a', '--client-secret', 'b'], capture().out),
    ).rejects.toThrow(/Cannot reach the server/);
  });

  it('draws a progress bar with counts and time left', () => {
    expect(
      renderBar(
        {
          id: 'x',
          completed: null,
          completionStatus: null,
          percentComplete: 50,
          estimatedSecondsLeft: 3,
          taskProgress: { total: 10, processed: 5, changed: 2, failed: 1 },
          messages: [],
          result: null,
        },
        'process',
      ),
    ).toBe(`process [${'#'.repeat(15)}${'-'.repeat(15)}]  50% 5/10, 2 changed, 1 failed, ~3s left`);
  });
});
