import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../src/cli/commands.js';
import { helpFor, USAGE } from '../../src/cli/help.js';
import { SERVER_FLAGS } from '../../src/config.js';

/** `idprofiles ARGS` in this process, with its output captured. */
async function cli(args: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await runCommand(args, { stdout, stderr });
  return { code, stdout: out, stderr: err };
}

/** Every command answers `--help` with its own usage, exit 0, before it parses or opens anything. */
describe('idprofiles COMMAND --help', () => {
  const cases: Array<[string[], string]> = [
    [['serve', '--help'], 'Usage: idprofiles serve'],
    [['worker', '-h'], 'Usage: idprofiles worker'],
    [['migrate', '--help'], 'Usage: idprofiles migrate'],
    [['clients', '--help'], 'Usage: idprofiles clients create'],
    [['clients', 'create', '--name', 'x', '--help'], 'Usage: idprofiles clients create'],
    [['load', '--help'], 'Usage: idprofiles load SOURCE FILE.csv'],
    [['load', 'HR', 'people.csv', '--help'], 'Usage: idprofiles load SOURCE FILE.csv'],
    [['process', '--help'], 'Usage: idprofiles process PROFILE'],
    [['demo', '--help'], 'Usage: idprofiles demo'],
    [['transforms', '--help'], 'Usage: idprofiles transforms test FILE...'],
    [['transforms', 'test', '--help'], 'Usage: idprofiles transforms test FILE...'],
    [['transforms', 'eval', '--help'], 'Usage: idprofiles transforms test FILE...'],
    [['help', 'load'], 'Usage: idprofiles load SOURCE FILE.csv'],
    [['--help'], 'Usage: idprofiles <command>'],
    [['help'], 'Usage: idprofiles <command>'],
  ];
  it.each(cases)('%j', async (args, usage) => {
    const r = await cli(args);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout.startsWith(usage)).toBe(true);
  });

  it('has a help text, and a line in the command list, for every command the CLI runs', () => {
    const commands = [...readFileSync('src/cli/commands.ts', 'utf8').matchAll(/case '([a-z]+)':/g)]
      .map((m) => m[1])
      .filter((c) => c !== 'help');
    expect(commands.length).toBeGreaterThan(6);
    expect(commands.filter((c) => helpFor(c) === undefined || !new RegExp(`^  ${c}\\b`, 'm').test(USAGE))).toEqual([]);
  });

  it('lists every settings flag under serve, worker and migrate', async () => {
    const { stdout } = await cli(['serve', '--help']);
    for (const [flag, env] of Object.entries(SERVER_FLAGS)) expect(stdout).toContain(`--${flag} (${env})`);
  });

  it('still refuses an unknown command, also with --help (exit 2)', async () => {
    for (const args of [
      ['frob', '--help'],
      ['help', 'frob'],
    ]) {
      const r = await cli(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("Unknown command 'frob'");
    }
  });

  it('takes --help after -- as an argument, not as a request for help', async () => {
    const r = await cli(['transforms', 'test', '--', '--help']);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('Usage');
  });

  it('answers on the command line too (src/cli/index.ts)', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      '--import',
      'tsx',
      'src/cli/index.ts',
      'load',
      '--help',
    ]);
    expect(stdout).toMatch(/^Usage: idprofiles load SOURCE FILE\.csv/);
  }, 30_000);
});
