import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The admin console (`web/`, built by `npm run build:web` into `dist/web`), served at `/ui/`.
 *
 * - Hashed build output under `/ui/assets/` never changes for a given name: cached for a year,
 *   immutable. `index.html` (and anything else) is revalidated on every load (`no-cache`), so a new
 *   build is picked up at once.
 * - Any other `/ui/*` path is a client-side route and gets `index.html`; a missing asset is a 404.
 * - Without a build (e.g. `npm run build` skipped) `/ui/` answers 503 with a plain explanation.
 * - The console talks to the same public API as every client: nothing here is a back door.
 *
 * The path resolves to `<package>/dist/web` from both `src/http/plugins` (tsx, tests) and
 * `dist/http/plugins` (the built server).
 */
export const CONSOLE_ROOT = fileURLToPath(new URL('../../../dist/web/', import.meta.url));

const IMMUTABLE = 'public, max-age=31536000, immutable';
/** No request leaves the page's origin (no CDN, no remote fonts); the console is never framed. */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; " +
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>idprofiles console not built</title>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem">
<h1>The admin console is not built</h1>
<p>This server was started without the console's static files. Build them with
<code>npm run build:web</code> (or <code>npm run build</code>, which <code>npm ci</code> runs), then reload this page.</p>
<p>The API itself works: see <a href="/docs">the API reference</a>.</p></body>`;

/** A regular file inside `root` at `relative`, or undefined (also for `..` escapes). */
async function fileIn(root: string, relative: string): Promise<string | undefined> {
  if (!relative || relative.includes('\0')) return undefined;
  const full = path.resolve(root, relative);
  if (!full.startsWith(path.resolve(root) + path.sep)) return undefined;
  const info = await stat(full).catch(() => undefined);
  return info?.isFile() ? path.relative(root, full) : undefined;
}

/** Registers `GET /` (redirect to the console) and `GET /ui/*`. */
export async function installConsole(app: FastifyInstance, root = CONSOLE_ROOT): Promise<void> {
  const options = { config: { public: true }, schema: { hide: true } };
  app.get('/', options, async (_request, reply) => reply.redirect('/ui/'));

  await app.register(async (scope) => {
    // serve: false — only `reply.sendFile` (with send's path checks, ETag and ranges); routing is ours.
    await scope.register(fastifyStatic, { root, serve: false });
    const sendIndex = async (reply: FastifyReply) => {
      if (!(await fileIn(root, 'index.html'))) {
        return reply.code(503).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(NOT_BUILT);
      }
      return reply
        .headers(SECURITY_HEADERS)
        .header('cache-control', 'no-cache')
        .sendFile('index.html', { cacheControl: false });
    };
    // `/ui/` is `/ui` to the router (ignoreTrailingSlash), which `/ui/*` does not match.
    scope.get('/ui', options, async (_request, reply) => sendIndex(reply));
    scope.get<{ Params: { '*': string } }>('/ui/*', options, async (request, reply) => {
      const wanted = (request.params['*'] ?? '').replace(/^\/+/, '');
      const file = await fileIn(root, wanted);
      if (file && file !== 'index.html') {
        const cache = file.startsWith(`assets${path.sep}`) ? IMMUTABLE : 'no-cache';
        return reply.headers(SECURITY_HEADERS).header('cache-control', cache).sendFile(file, { cacheControl: false });
      }
      if (wanted.startsWith('assets/')) return reply.callNotFound();
      return sendIndex(reply);
    });
  });
}
