import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad, runProcess } from '../../src/cli/load-process.js';
import { renderBar } from '../../src/cli/progress.js';
import { apiClientRepository } from '../../src/db/repositories/clients.js';
import { createClient } from '../../src/domain/clients/service.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

/** `idprofiles load` and `idprofiles process` against a real server over HTTP. */
describe('CLI load and process', () => {
  let t: TestApp;
  let flags: string[];
  let h: Record<string, string>;
  beforeAll(async () => {
    t = await startTestApp('pglite');
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (t.app.server.address() as { port: number }).port;
    const { client, secret } = await createClient(apiClientRepository(t.services.database.db), { name: 'cli' });
    flags = ['--url', `http://127.0.0.1:${port}`, '--client-id', client.id, '--client-secret', secret];
    h = await t.admin();
  });
  afterAll(async () => t?.close());

  const capture = () => {
    const out = new PassThrough() as PassThrough & { isTTY?: boolean };
    let text = '';
    out.on('data', (d) => (text += d));
    return { out: out as unknown as NodeJS.WriteStream, text: () => text };
  };

  it('loads a CSV by source name and prints the summary with rejected lines', async () => {
    await t.app.inject({ method: 'POST', url: '/v3/sources', headers: h, payload: { name: 'HR Feed' } });
    const dir = mkdtempSync(join(tmpdir(), 'idp-'));
    const file = join(dir, 'hr.csv');
    writeFileSync(file, 'id,name,mail\n1,ann,A@X\n2,bob\n3,cy,c@x\n');
    const { out, text } = capture();
    expect(await runLoad(['HR Feed', file, ...flags], out)).toBe(0);
    expect(text()).toContain("Uploading");
    expect(text()).toMatch(/Warning: 2 rows — 2 added, 0 updated, 0 unchanged, 0 removed, 1 rejected/);
    expect(text()).toContain('line 3: expected 3 columns, found 2');
  });

  it('processes a profile by name, and a dry run reports per attribute', async () => {
    const src = (await t.app.inject({ method: 'GET', url: '/v3/sources?filters=name%20eq%20%22HR%20Feed%22', headers: h })).json()[0];
    const res = await t.app.inject({ method: 'POST', url: '/v3/identity-profiles', headers: h, payload: {
      name: 'Staff', authoritativeSource: { id: src.id },
      identityAttributeConfig: { enabled: true, attributeTransforms: [{ identityAttributeName: 'email', transformDefinition: { type: 'lower', attributes: { input: { type: 'accountAttribute', attributes: { sourceName: 'HR Feed', attributeName: 'mail' } } } } }] },
    } });
    expect(res.statusCode).toBe(201);
    // identities exist from the earlier load only once a profile uses the source: load again
    const dir = mkdtempSync(join(tmpdir(), 'idp-'));
    writeFileSync(join(dir, 'hr.csv'), 'id,name,mail\n1,ann,A@X\n3,cy,c@x\n');
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

  it('says clearly what is wrong: unknown profile, unreachable server', async () => {
    await expect(runProcess(['No Such Profile', ...flags], capture().out)).rejects.toThrow(/No identity profile with id or name 'No Such Profile'/);
    await expect(runProcess(['x', '--url', 'http://127.0.0.1:1', '--client-id', 'a', '--client-secret', 'b'], capture().out)).rejects.toThrow(/Cannot reach the server/);
  });

  it('draws a progress bar with counts and time left', () => {
    expect(renderBar({ id: 'x', completed: null, completionStatus: null, percentComplete: 50, estimatedSecondsLeft: 3, taskProgress: { total: 10, processed: 5, changed: 2, failed: 1 }, messages: [], result: null }, 'process'))
      .toBe(`process [${'#'.repeat(15)}${'-'.repeat(15)}]  50% 5/10, 2 changed, 1 failed, ~3s left`);
  });
});
