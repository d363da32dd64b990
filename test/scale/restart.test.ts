import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, runCli, until, type ChildCli } from '../helpers/processes.js';

const CLIENT = { IDPROFILES_CLIENT_ID: 'restart-admin', IDPROFILES_CLIENT_SECRET: 'restart-secret-1' };

/**
 * A server on embedded PGlite killed (SIGKILL) in the middle of an upload and in the middle of a
 * processing run, then started again on the same data: nothing half-written, and every task ends
 * (the upload as failed, the run as completed), none left running.
 */
describe('restart in the middle of a load or a run (PGlite)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'idp-restart-'));
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
      IDPROFILES_CHUNK_SIZE: '20',
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

  it('fails an upload cut off by the restart and applies nothing of it', async () => {
    await start();
    const source = (await api('POST', '/v3/sources', { name: 'HR' })).body;
    const profile = await api('POST', '/v3/identity-profiles', {
      name: 'Staff',
      authoritativeSource: { id: source.id },
      identityAttributeConfig: {
        enabled: true,
        attributeTransforms: [
          {
            identityAttributeName: 'uid',
            transformDefinition: {
              type: 'upper',
              attributes: {
                input: { type: 'accountAttribute', attributes: { sourceName: 'HR', attributeName: 'name' } },
              },
            },
          },
        ],
      },
    });
    expect(profile.status).toBe(201);
    const upload = startUpload(`${base}/v3/sources/${source.id}/load-accounts`, h);
    upload.write(`id,name\n${Array.from({ length: 3000 }, (_, i) => `${i},user${i}\n`).join('')}`);
    // the server has staged rows once the task shows progress; the upload is still open
    await until(
      async () =>
        (await api('GET', '/v3/task-status?filters=type%20eq%20%22CLOUD_ACCOUNT_AGGREGATION%22')).body?.[0]
          ?.taskProgress?.processed >= 1000,
      'rows staged',
    );
    await server!.kill('SIGKILL');
    upload.destroy();
    await start();
    const [task] = (await api('GET', '/v3/task-status?filters=type%20eq%20%22CLOUD_ACCOUNT_AGGREGATION%22')).body;
    expect(task.completionStatus).toBe('Error');
    expect(task.messages[0].localizedText.message).toMatch(/interrupted/);
    expect((await api('GET', '/v3/accounts?count=true')).headers.get('x-total-count')).toBe('0');
  }, 120_000);

  it('completes a processing run that the restart interrupted, with correct results', async () => {
    const [source] = (await api('GET', '/v3/sources')).body;
    const [profile] = (await api('GET', '/v3/identity-profiles')).body;
    const form = new FormData();
    form.append(
      'file',
      new Blob([`id,name\n${Array.from({ length: 400 }, (_, i) => `${i},user${i}\n`).join('')}`]),
      'hr.csv',
    );
    const load: any = await (
      await fetch(`${base}/v3/sources/${source.id}/load-accounts`, { method: 'POST', headers: h, body: form })
    ).json();
    await until(async () => (await api('GET', `/v3/task-status/${load.task.id}`)).body.completed, 'the load');
    await until(
      async () =>
        (await api('GET', '/v3/task-status?filters=type%20eq%20%22IDENTITY_PROFILE_PROCESS%22')).body.every(
          (t: any) => t.completed,
        ),
      'the automatic run',
    );
    const patch = await fetch(`${base}/v3/identity-profiles/${profile.id}`, {
      method: 'PATCH',
      headers: { ...h, 'content-type': 'application/json-patch+json' },
      body: JSON.stringify([
        {
          op: 'replace',
          path: '/identityAttributeConfig/attributeTransforms/0/transformDefinition/type',
          value: 'lower',
        },
      ]),
    });
    expect(patch.status).toBe(200);
    const run = await api('POST', `/v3/identity-profiles/${profile.id}/process-identities`);
    const taskId = run.headers.get('location')!.split('/').pop()!;
    await server!.kill('SIGKILL'); // 20 chunks of 20: the run is at most just started
    await start();
    const done = await until(
      async () => {
        const s = (await api('GET', `/v3/task-status/${taskId}`)).body;
        return s.completed ? s : undefined;
      },
      'the interrupted run to complete after the restart',
      60_000,
    );
    expect(done.completionStatus).toBe('Success');
    expect(done.result).toMatchObject({ total: 400, processed: 400, failed: 0 });
    const identities = (await api('GET', '/v2025/identities?limit=250')).body.concat(
      (await api('GET', '/v2025/identities?limit=250&offset=250')).body,
    );
    expect(identities).toHaveLength(400);
    for (const i of identities) expect(i.attributes.uid).toBe(i.name.toLowerCase());
  }, 120_000);
});

/** A multipart upload whose body the test writes and never finishes (cut off by the kill). */
function startUpload(url: string, h: Record<string, string>) {
  const boundary = 'restartboundary';
  const req = request(url, {
    method: 'POST',
    headers: { ...h, 'content-type': `multipart/form-data; boundary=${boundary}`, 'transfer-encoding': 'chunked' },
  });
  req.on('error', () => {
    /* the server dies mid-request */
  });
  req.write(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n`,
  );
  return req;
}
