import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, runCli } from '../helpers/processes.js';

const run = promisify(execFile);
const cli = (args: string[], env: Record<string, string>) =>
  run(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], { env: { ...process.env, ...env } });

/** `idprofiles serve` on embedded PGlite as a user runs it: first start, SIGTERM, restart, and the admin CLI. */
describe('idprofiles serve, migrate and clients on a data folder', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'idp-serve-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('prints a new admin client once, keeps data across a graceful restart, and manages clients', async () => {
    const port = await freePort();
    const metricsPort = await freePort();
    const env = {
      IDPROFILES_DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      IDPROFILES_METRICS: String(metricsPort),
    };
    const first = runCli(['serve'], env);
    let output = '';
    first.child.stdout!.on('data', (d) => (output += d));
    await first.logged('ready');
    const id = /IDPROFILES_CLIENT_ID=(\w+)/.exec(output)?.[1];
    const secret = /IDPROFILES_CLIENT_SECRET=(\w+)/.exec(output)?.[1];
    expect(id && secret).toBeTruthy();
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/health`)).status).toBe(200);
    // IDPROFILES_METRICS=<port>: /metrics there, not on the API's port
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
    const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(
      /^idprofiles_http_requests_total\{method="GET",route="\/health",status="200",version="other"\} 1$/m,
    );
    const token = (
      (await (
        await fetch(`${base}/oauth/token?grant_type=client_credentials&client_id=${id}&client_secret=${secret}`, {
          method: 'POST',
        })
      ).json()) as any
    ).access_token;
    const created = await fetch(`${base}/v3/sources`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Kept' }),
    });
    expect(created.status).toBe(201);
    const exited = new Promise<number | null>((resolve) => first.child.once('exit', (code) => resolve(code)));
    first.child.kill('SIGTERM');
    expect(await exited).toBe(0); // graceful: in-flight requests finish, the database closes

    // the database is free again: the admin commands work on it
    expect((await cli(['migrate'], env)).stdout).toContain('Database is up to date.');
    const made = (
      await cli(
        ['clients', 'create', '--name', 'reader', '--authority', 'API', '--scope', 'idn:identity-profile:read'],
        env,
      )
    ).stdout;
    const readerId = /client_id:\s+(\w+)/.exec(made)![1];
    expect((await cli(['clients', 'list'], env)).stdout).toMatch(
      new RegExp(`${readerId}\\s+active\\s+API\\s+idn:identity-profile:read\\s+reader`),
    );
    expect((await cli(['clients', 'revoke', readerId], env)).stdout).toContain(`Revoked ${readerId}`);

    const second = runCli(['serve'], env);
    let output2 = '';
    second.child.stdout!.on('data', (d) => (output2 += d));
    await second.logged('ready');
    expect(output2).not.toContain('IDPROFILES_CLIENT_SECRET='); // shown once, on the first start only
    const sources = await (await fetch(`${base}/v3/sources`, { headers: { authorization: `Bearer ${token}` } })).json();
    expect((sources as any[]).map((s) => s.name)).toEqual(['Kept']);
    await second.kill();
  }, 120_000);

  it('refuses bad settings with a clear message and exit code 2', async () => {
    const err = await cli(['serve'], { PORT: 'eighty', IDPROFILES_RATE_LIMIT: 'fast' }).catch((e) => e);
    expect(err.code).toBe(2);
    expect(err.stderr).toContain("PORT must be a whole number, got 'eighty'");
    expect(err.stderr).toContain('IDPROFILES_RATE_LIMIT');
  });
});
