import Fastify from 'fastify';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installConsole } from '../../src/http/plugins/console.js';

/**
 * How the server serves the console's static files (no browser needed): cache headers, client-side
 * routes, missing assets, path escapes, and a clear page when the console was never built.
 */
describe('console static serving', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'idprofiles-web-'));
  const empty = mkdtempSync(path.join(tmpdir(), 'idprofiles-web-empty-'));
  const built = Fastify();
  const bare = Fastify();

  beforeAll(async () => {
    mkdirSync(path.join(root, 'assets'));
    writeFileSync(
      path.join(root, 'index.html'),
      '<!doctype html><title>console</title><script type="module" src="/ui/assets/app-abc123.js"></script>',
    );
    writeFileSync(path.join(root, 'assets', 'app-abc123.js'), 'console.log(1)');
    writeFileSync(path.join(root, 'robots.txt'), 'User-agent: *');
    await installConsole(built, root);
    await installConsole(bare, empty);
  });
  afterAll(async () => {
    await built.close();
    await bare.close();
    rmSync(root, { recursive: true, force: true });
    rmSync(empty, { recursive: true, force: true });
  });

  it('redirects / to /ui/', async () => {
    const res = await built.inject({ url: '/' });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/ui/');
  });

  it('serves index.html at /ui, /ui/ and every client-side route, revalidated on each load', async () => {
    for (const url of ['/ui', '/ui/', '/ui/profiles/abc', '/ui/identities/x/y']) {
      const res = await built.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toContain('<title>console</title>');
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    }
  });

  it('serves hashed assets as immutable for a year, other files revalidated', async () => {
    const asset = await built.inject({ url: '/ui/assets/app-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['content-type']).toMatch(/javascript/);
    const other = await built.inject({ url: '/ui/robots.txt' });
    expect(other.statusCode).toBe(200);
    expect(other.headers['cache-control']).toBe('no-cache');
  });

  it('answers 404 for a missing asset (never index.html in place of a script)', async () => {
    expect((await built.inject({ url: '/ui/assets/gone-123.js' })).statusCode).toBe(404);
  });

  it('never serves a file outside the console folder', async () => {
    for (const url of ['/ui/../package.json', '/ui/%2e%2e/%2e%2e/etc/passwd', '/ui/..%2f..%2fpackage.json']) {
      const res = await built.inject({ url });
      expect(res.body, url).not.toContain('"dependencies"');
      expect(res.body, url).not.toContain('root:');
    }
  });

  it('explains, instead of crashing, when the console was not built', async () => {
    for (const url of ['/ui/', '/ui/profiles/abc']) {
      const res = await bare.inject({ url });
      expect(res.statusCode).toBe(503);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body).toContain('The admin console is not built');
      expect(res.body).toContain('npm run build:web');
    }
  });
});
