import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { transformsCommand } from './transforms.js';

async function cli(args: string[], stdinText = ''): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += String(d)));
  stderr.on('data', (d) => (err += String(d)));
  stdin.end(stdinText);
  const code = await transformsCommand(args, { stdout, stderr, stdin });
  return { code, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'transforms-cli-'));
const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

describe('transforms eval', () => {
  it('evaluates a definition from stdin with --input', async () => {
    expect(await cli(['eval', '--input', 'HeLLo'], '{"type":"lower"}')).toEqual({ code: 0, out: 'hello\n', err: '' });
  });

  it('reads a definition file, an account attribute map, an identity and stored transforms', async () => {
    const def = file('def.json', {
      type: 'concat',
      attributes: {
        values: [
          { type: 'accountAttribute', attributes: { sourceName: 'HR', attributeName: 'dept' } },
          '-',
          { type: 'identityAttribute', attributes: { name: 'uid' } },
          '-',
          { type: 'reference', attributes: { id: 'Up', input: 'x' } },
        ],
      },
    });
    const account = file('account.json', { dept: 'Sales' });
    const identity = file('identity.json', { uid: 'jd' });
    const transforms = file('transforms.json', [{ name: 'Up', type: 'upper', attributes: {} }]);
    expect(await cli(['eval', '--account', account, '--identity', identity, '--transforms', transforms, def])).toEqual({
      code: 0,
      out: 'Sales-jd-X\n',
      err: '',
    });
  });

  it('accepts a list of accounts and --now', async () => {
    const accounts = file('accounts.json', [
      { sourceName: 'HR', created: '2020-01-01', attributes: { d: 'old' } },
      { sourceName: 'HR', created: '2021-01-01', attributes: { d: 'new' } },
    ]);
    const def = JSON.stringify({
      type: 'accountAttribute',
      attributes: { sourceName: 'HR', attributeName: 'd', accountSortDescending: true },
    });
    expect((await cli(['eval', '--account', accounts, '-'], def)).out).toBe('new\n');
    expect(
      (await cli(['eval', '--now', '2024-01-01T00:00:00Z'], '{"type":"dateMath","attributes":{"expression":"now+1d"}}'))
        .out,
    ).toBe('2024-01-02T00:00\n');
  });

  it('prints null for a null result', async () => {
    expect(await cli(['eval'], '{"type":"upper"}')).toEqual({ code: 0, out: 'null\n', err: '' });
  });

  it('reports evaluation and definition errors with their path, exit 1', async () => {
    expect(
      await cli(
        ['eval', '--input', 'z'],
        '{"type":"concat","attributes":{"values":["a",{"type":"lookup","attributes":{"table":{}}}]}}',
      ),
    ).toEqual({
      code: 1,
      out: '',
      err: 'error at attributes.values[1]: no table entry for "z" and no default\n',
    });
    expect(await cli(['eval'], '{"type":"upper","attributes":{"input":{"type":"nope"}}}')).toEqual({
      code: 1,
      out: '',
      err: 'invalid definition at attributes.input.type: unknown transform type "nope"\n',
    });
    expect((await cli(['eval'], '{oops')).err).toMatch(/^standard input: invalid JSON/);
  });

  it('rejects bad usage with exit 2', async () => {
    expect((await cli(['eval', '--input'])).code).toBe(2);
    expect((await cli(['eval', '--bogus', 'x'])).code).toBe(2);
    expect((await cli(['frobnicate'])).code).toBe(2);
    expect((await cli([])).code).toBe(2);
    expect((await cli(['test'])).code).toBe(2);
    expect((await cli(['help'])).code).toBe(0);
  });
});

describe('transforms test', () => {
  it('prints PASS/FAIL lines and the summary line; exit 1 on failure', async () => {
    const vectors = file('v.json', [
      { name: 'ok', transform: { type: 'upper' }, input: 'a', expected: 'A' },
      { name: 'pattern', transform: { type: 'uuid' }, expectedPattern: '^[0-9a-f-]{36}$', expected: null },
      { name: 'wrong', transform: { type: 'upper' }, input: 'a', expected: 'B' },
      {
        name: 'error expected',
        transform: { type: 'lookup', attributes: { table: {} } },
        input: 'a',
        expected: null,
        error: true,
      },
    ]);
    const { code, out } = await cli(['test', vectors]);
    expect(out).toBe(
      'PASS ok\nPASS pattern\nFAIL wrong: expected "B", got "A"\nPASS error expected\n3 passed, 1 failed\n',
    );
    expect(code).toBe(1);
  });

  it('counts an unreadable file as a failure', async () => {
    const { code, out, err } = await cli(['test', join(dir, 'missing.json')]);
    expect(code).toBe(1);
    expect(out).toBe('0 passed, 1 failed\n');
    expect(err).toContain('missing.json');
  });

  const shared = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/testdata/transforms');
  (existsSync(shared) ? it : it.skip)('passes every shared vector', async () => {
    const files = readdirSync(shared)
      .filter((f) => f.endsWith('.json'))
      .map((f) => join(shared, f));
    const { code, out } = await cli(['test', ...files]);
    expect(out.trim().split('\n').pop()).toMatch(/^(\d+) passed, 0 failed$/);
    expect(Number(/(\d+) passed/.exec(out)?.[1])).toBeGreaterThanOrEqual(168);
    expect(code).toBe(0);
  });
});
