import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, runCli, until, type ChildCli } from '../helpers/processes.js';

const CLIENT = { IDPROFILES_CLIENT_ID: 'kill-admin', IDPROFILES_CLIENT_SECRET: 'kill-secret-12' };
const ROWS = 20_000;

/**
 * A server on embedded PGlite killed (SIGKILL) while it applies a load in steps (batches of rows sized to
 * ~70 ms, each its own transaction), then started again on the same data: the load's job is retried,
 * resumes where its last committed step left off, and the load ends complete — every row once,
 * one identity per account — with the processing run it asks for.
 */
describe('a PGlite server killed in the middle of applying a load', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'idp-load-kill-'));
  let server: ChildCli | undefined;
  let base = '';
  let h: Record<string, string> = {};
  afterAll(async () => {
    await server?.kill();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async () => {
    const port = await freePort();
    server = runCli(['serve'], {
      ...CLIENT,
      IDPROFILES_DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      IDPROFILES_RATE_LIMIT: 'off',
    });
    await server.logged('ready');
    base = `http://127.0.0.1:${port}`;
    const token: any = await (
      await fetch(
        `${base}/oauth/token?grant_type=client_credentials&client_id=${CLIENT.IDPROFILES_CLIENT_ID}&client_secret=${CLIENT.IDPROFILES_CLIENT_SECRET}`,
        { method: 'POST' },
      )
    ).json();
    h = { authorization: `Bearer ${token.access_token}` };
  };
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? h : { ...h, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, body: (await res.json().catch(() => undefined)) as any };
  };

  it('resumes the load after the restart and completes it, each row once', async () => {
    await start();
    const source = (await api('POST', '/v3/sources', { name: 'HR' })).body;
    const uid = { type: 'accountAttribute', attributes: { sourceName: 'HR', attributeName: 'name' } };
    const profile = await api('POST', '/v3/identity-profiles', {
      name: 'Staff',
      authoritativeSource: { id: source.id },
      identityAttributeConfig: {
        enabled: true,
        attributeTransforms: [{ identityAttributeName: 'uid', transformDefinition: uid }],
      },
    });
    expect(profile.status).toBe(201);
    const form = new FormData();
    form.append(
      'file',
      new Blob([`id,name\n${Array.from({ length: ROWS }, (_, i) => `${i},user${i}\n`).join('')}`]),
      'hr.csv',
    );
    const load: any = await (
      await fetch(`${base}/v3/sources/${source.id}/load-accounts`, { method: 'POST', headers: h, body: form })
    ).json();
    // the apply's progress moves with each committed batch: kill it before the first half is written
    const midway = await until(
      async () => {
        const s = (await api('GET', `/v3/task-status/${load.task.id}`)).body;
        return !s.completed && s.taskProgress?.processed > 0 && s.taskProgress.processed < ROWS / 2 ? s : undefined;
      },
      'the load half-way through its apply',
      120_000,
    );
    await server!.kill('SIGKILL');
    expect(midway.taskProgress.total).toBe(ROWS);

    await start();
    const done = await until(
      async () => {
        const s = (await api('GET', `/v3/task-status/${load.task.id}`)).body;
        return s.completed ? s : undefined;
      },
      'the interrupted load to complete after the restart',
      120_000,
    );
    expect(done.completionStatus).toBe('Success');
    expect(done.result).toMatchObject({ rows: ROWS, added: ROWS, updated: 0, removed: 0, identitiesCreated: ROWS });
    expect((await api('GET', '/v3/accounts?count=true&limit=1')).headers.get('x-total-count')).toBe(String(ROWS));
    expect((await api('GET', '/v2025/identities?count=true&limit=1')).headers.get('x-total-count')).toBe(String(ROWS));
    expect((await api('GET', `/v3/identity-profiles/${profile.body.id}`)).body.identityCount).toBe(ROWS);
    const run = await until(
      async () => {
        const s = (await api('GET', `/v3/task-status/${done.result.processingTaskIds[0]}`)).body;
        return s.completed ? s : undefined;
      },
      'the processing run the load asked for',
      120_000,
    );
    expect(run.result).toMatchObject({ total: ROWS, processed: ROWS, failed: 0 });
  }, 400_000);
});
