import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, until } from '../helpers/processes.js';

const run = promisify(execFile);
const REPO = resolve(import.meta.dirname, '..', '..');

/**
 * What `npm pack` ships is what a user gets from the registry: no `prepare` runs there, so the
 * built code, the console, the PGlite template and the demo's sample must all be in the tarball
 * (package.json's `files`), and nothing of the sources, tests or benchmarks.
 */
describe('the packed package', () => {
  const work = mkdtempSync(join(tmpdir(), 'idprofiles-pack-'));
  let files: string[] = [];
  let root = '';

  beforeAll(async () => {
    if (!existsSync(join(REPO, 'dist', 'cli', 'index.js')))
      throw new Error('dist/ is missing: run `npm run build` (npm ci does) before this test');
    // --ignore-scripts: pack what is built instead of building again (prepare) inside the test
    const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {
      cwd: REPO,
      maxBuffer: 64 * 1024 * 1024,
    });
    const [packed] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    files = packed.files.map((f) => f.path);
    await run('tar', ['-xzf', join(work, packed.filename), '-C', work]);
    root = join(work, 'package');
    // the registry would install the dependencies; the repo's own stand in for them
    symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'), 'dir');
  }, 120_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('holds the CLI, the console, the PGlite template and the sample, and no sources or tests', () => {
    const version = (
      JSON.parse(readFileSync(join(REPO, 'node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
    for (const path of [
      'package.json',
      'README.md',
      'dist/cli/index.js',
      'dist/web/index.html',
      'samples/hr.csv',
      `dist/pglite-template/${version}.tar.gz`,
      `dist/pglite-template/${version}/PG_VERSION`,
    ]) {
      expect(files, path).toContain(path);
    }
    expect(files.filter((f) => /^(src|test|bench|web|scripts)\//.test(f) || /\.test\.js$/.test(f))).toEqual([]);
  });

  it('runs from the unpacked tarball: serve answers with its console, docs and sample-loading demo help', async () => {
    const help = await run(process.execPath, [join(root, 'dist/cli/index.js'), 'demo', '--help']);
    expect(help.stdout).toContain('samples/hr.csv');

    const port = await freePort();
    const child = spawn(process.execPath, [join(root, 'dist/cli/index.js'), 'serve'], {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        IDPROFILES_DATA_DIR: join(work, 'data'),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`the packed server exited (${code}): ${stderr}`))),
    );
    try {
      const base = `http://127.0.0.1:${port}`;
      const answered = until(
        async () => {
          const r = await fetch(`${base}/health`);
          return r.ok && r;
        },
        'the packed server to answer /health',
        60_000,
      );
      const health = await Promise.race([answered, exited]);
      expect(((await health.json()) as { status: string }).status).toBe('UP');
      const ui = await fetch(`${base}/ui/`);
      expect(ui.status).toBe(200);
      expect(await ui.text()).toContain('<div id="app"');
      const docs = (await (await fetch(`${base}/docs/json`)).json()) as { info: { version: string } };
      expect(docs.info.version).toBe(
        (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version,
      );
      // a new data folder comes from the shipped template (initdb would leave no copy of its files)
      expect(existsSync(join(work, 'data', 'PG_VERSION'))).toBe(true);
    } finally {
      exited.catch(() => undefined);
      if (child.exitCode === null && child.signalCode === null)
        await new Promise<void>((done) => {
          child.once('exit', () => done());
          child.kill('SIGTERM');
        });
    }
  }, 120_000);
});
