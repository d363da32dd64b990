import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, runCli, type ChildCli } from '../helpers/processes.js';

const run = promisify(execFile);
/** A one-shot command; resolves with its exit code and output whether it succeeds or not (killed if it runs on). */
const cli = (args: string[], env: Record<string, string>) =>
  run(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], {
    env: { ...process.env, ...env },
    timeout: 60_000,
    killSignal: 'SIGKILL',
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

const ADMIN = { IDPROFILES_CLIENT_ID: 'folder-admin', IDPROFILES_CLIENT_SECRET: 'folder-secret-1' };

/** One process owns a PGlite data folder: others are refused at once, admin commands go through the owner, and a crash leaves no lock. */
describe.skipIf(process.platform === 'win32')('a PGlite data folder held by a running server', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'idp-folder-'));
  let server: ChildCli | undefined;
  let base = '';
  afterAll(async () => {
    await server?.kill();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const env = (port: number) => ({
    ...ADMIN,
    IDPROFILES_DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    IDPROFILES_RATE_LIMIT: 'off',
  });
  const start = async () => {
    const port = await freePort();
    server = runCli(['serve'], env(port));
    await server.logged('ready');
    base = `http://127.0.0.1:${port}`;
  };
  const tokenFor = async (id: string, secret: string) => {
    const res = await fetch(
      `${base}/oauth/token?grant_type=client_credentials&client_id=${id}&client_secret=${secret}`,
      { method: 'POST' },
    );
    return { status: res.status, body: (await res.json()) as { access_token?: string; error_description?: string } };
  };
  const createSource = async (token: string, name: string) =>
    fetch(`${base}/v3/sources`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name }),
    });

  it('refuses a second serve, worker or migrate at once, naming the folder and the holder, and the holder keeps serving', async () => {
    await start();
    const pid = server!.child.pid;
    for (const command of [['serve'], ['worker'], ['migrate']]) {
      const second = await cli(command, env(await freePort()));
      expect(second.code, `${command} ${second.stderr}`).toBe(1);
      expect(second.stderr).toContain(
        `The data folder ${dataDir} is in use by another process: pid ${pid} (idprofiles serve) on `,
      );
      expect(second.stderr).toContain('Stop that process first, or give this command another --data-dir');
      expect(second.stderr).not.toMatch(/^\s+at /m); // a message, not a stack trace
    }
    const admin = await tokenFor(ADMIN.IDPROFILES_CLIENT_ID, ADMIN.IDPROFILES_CLIENT_SECRET);
    expect((await createSource(admin.body.access_token!, 'Still here')).status).toBe(201);
  }, 120_000);

  it('creates, lists and revokes clients through the running server, which accepts a new client at once', async () => {
    const made = await cli(
      ['clients', 'create', '--name', 'reader', '--authority', 'API', '--scope', 'idn:identity-profile:read'],
      env(0),
    );
    expect(made.code, made.stderr).toBe(0);
    expect(made.stderr).toContain(
      `(done by the process that holds ${dataDir}: pid ${server!.child.pid}, idprofiles serve)`,
    );
    const id = /client_id:\s+(\w+)/.exec(made.stdout)![1];
    const secret = /client_secret:\s+(\w+)/.exec(made.stdout)![1];
    const reader = await tokenFor(id, secret);
    expect(reader.status).toBe(200);
    // with the rights it was given: it reads profiles, and may not create a source
    const profiles = await fetch(`${base}/v3/identity-profiles`, {
      headers: { authorization: `Bearer ${reader.body.access_token}` },
    });
    expect(profiles.status).toBe(200);
    expect((await createSource(reader.body.access_token!, 'Not allowed')).status).toBe(403);

    const listed = await cli(['clients', 'list'], env(0));
    expect(listed.stdout).toMatch(new RegExp(`${id}\\s+active\\s+API\\s+idn:identity-profile:read\\s+reader`));
    expect(listed.stdout).toContain(ADMIN.IDPROFILES_CLIENT_ID);

    const bad = await cli(['clients', 'create', '--authority', 'ROOT'], env(0));
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe('Unknown authority ROOT; known: ORG_ADMIN, API');

    expect((await cli(['clients', 'revoke', id], env(0))).stdout).toContain(`Revoked ${id}.`);
    const refused = await tokenFor(id, secret);
    expect(refused.status).toBe(401);
    expect(refused.body.error_description).toBe('Bad credentials');
  }, 120_000);

  it('starts again at once after the holder was killed (SIGKILL leaves no lock behind), with the data kept', async () => {
    await server!.kill('SIGKILL');
    await start();
    const admin = await tokenFor(ADMIN.IDPROFILES_CLIENT_ID, ADMIN.IDPROFILES_CLIENT_SECRET);
    const sources = (await (
      await fetch(`${base}/v3/sources`, { headers: { authorization: `Bearer ${admin.body.access_token}` } })
    ).json()) as Array<{ name: string }>;
    expect(sources.map((s) => s.name)).toEqual(['Still here']);
    // and a stopped server frees the folder for the admin commands to open it themselves
    const exited = new Promise<number | null>((resolve) => server!.child.once('exit', resolve));
    server!.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const listed = await cli(['clients', 'list'], env(0));
    expect(listed.code).toBe(0);
    expect(listed.stderr).not.toContain('done by the process');
    expect(listed.stdout).toContain(ADMIN.IDPROFILES_CLIENT_ID);
  }, 120_000);
});
