import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, runCli, type ChildCli } from '../helpers/processes.js';

const run = promisify(execFile);
const README = readFileSync(resolve('README.md'), 'utf8');

/** The fenced blocks of one language between `<!-- quickstart:NAME … -->` and `<!-- /quickstart:NAME -->`. */
function blocks(name: string, lang: string): string[] {
  const start = README.indexOf(`<!-- quickstart:${name}`);
  const end = README.indexOf(`<!-- /quickstart:${name} -->`);
  if (start < 0 || end < start) throw new Error(`README has no quickstart:${name} section`);
  return [...README.slice(start, end).matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((m) => m[1]);
}
const csv = () => /```csv\n([\s\S]*?)```/.exec(README.slice(README.indexOf('## Quickstart')))![1];

/**
 * README's quickstart, run as written (only the server's address changed) against a new server
 * started as a user starts it, with the variables it prints at first start.
 */
describe('README quickstart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'idp-readme-'));
  const work = mkdtempSync(join(tmpdir(), 'idp-readme-work-'));
  let server: ChildCli | undefined;
  afterAll(async () => {
    await server?.kill();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('curl and CLI blocks work against a fresh server with the printed client', async () => {
    const port = await freePort();
    server = runCli(['serve'], { IDPROFILES_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1' });
    let output = '';
    server.child.stdout!.on('data', (d) => (output += d));
    await server.logged('ready');
    const printed = Object.fromEntries(
      [...output.matchAll(/^\s+(IDPROFILES_CLIENT_(?:ID|SECRET))=(\w+)$/gm)].map((m) => [m[1], m[2]]),
    );
    expect(Object.keys(printed).sort()).toEqual(['IDPROFILES_CLIENT_ID', 'IDPROFILES_CLIENT_SECRET']);
    const base = `http://127.0.0.1:${port}`;
    writeFileSync(join(work, 'hr.csv'), csv());
    const env = { ...process.env, ...printed };

    const curl = blocks('curl', 'sh');
    expect(curl.length).toBeGreaterThanOrEqual(6);
    const script = `set -euo pipefail\n${curl.join('\n').replaceAll('http://localhost:8080', base)}`;
    const { stdout } = await run('bash', ['-c', script], { cwd: work, env, timeout: 60_000 });
    // the last block's answer: three identities, with the transforms applied and the manager correlated
    const identities = stdout
      .trim()
      .split(/\n(?=\{)/)
      .slice(-3)
      .map((j) => JSON.parse(j));
    expect(identities).toEqual([
      {
        name: 'ada.lovelace',
        emailAddress: 'ada.lovelace@example.com',
        displayName: 'Ada Lovelace',
        manager: null,
        isManager: true,
      },
      {
        name: 'alan.turing',
        emailAddress: 'alan.turing@example.com',
        displayName: 'Alan Turing',
        manager: 'ada.lovelace',
        isManager: false,
      },
      {
        name: 'grace.hopper',
        emailAddress: 'grace.hopper@example.com',
        displayName: 'Grace Hopper',
        manager: 'ada.lovelace',
        isManager: false,
      },
    ]);
    // each wait_task printed its task's outcome: the load, the dry run and the run all succeeded
    const outcomes = [...stdout.matchAll(/"completionStatus": "(\w+)"/g)].map((m) => m[1]);
    expect(outcomes).toEqual(['Success', 'Success', 'Success']);
    expect(stdout).toMatch(/"attribute": "displayName",\s+"identities": 3/);

    // the CLI block, with `idprofiles` the built CLI; the file is loaded again (unchanged) and processed
    const cli = `set -euo pipefail\nidprofiles() { node ${resolve('dist/cli/index.js')} "$@" --url ${base}; }\n${blocks('cli', 'sh').join('\n')}`;
    const { stdout: cliOut } = await run('bash', ['-c', cli], { cwd: work, env, timeout: 60_000 });
    expect(cliOut).toContain(
      'Would load 3 rows into a source of 3 accounts — 0 added, 0 updated, 3 unchanged, 0 removed',
    );
    expect(cliOut).toContain('Success: 3 rows — 0 added, 0 updated, 3 unchanged, 0 removed, 0 rejected');
    expect(cliOut).toMatch(/Success: 3 of 3 identities processed, 0 changed, 0 failed/);
  }, 120_000);
});
