/**
 * The ceiling for bench/api: a bare Fastify server that answers the benchmark's routes with the
 * same JSON bodies idprofiles gave, from memory — no auth, no database, no validation, no
 * response schema, no logging. Started by bench/api.ts as its own process:
 *
 *   node --import tsx bench/ceiling-server.ts DATA.json   (PORT, HOST from the environment)
 *
 * DATA.json: `{ profiles: IdentityProfile[], lists: { [queryString]: { total, items } } }`.
 */
import Fastify from 'fastify';
import { readFileSync } from 'node:fs';

interface Data {
  profiles: Array<Record<string, unknown> & { id: string }>;
  lists: Record<string, { total: number; items: unknown[] }>;
}

const data = JSON.parse(readFileSync(process.argv[2], 'utf8')) as Data;
const byId = new Map(data.profiles.map((p) => [p.id, p]));

const app = Fastify({ logger: false });
app.addContentTypeParser('application/json-patch+json', { parseAs: 'string' }, (_req, body, done) => {
  try {
    done(null, JSON.parse(body as string));
  } catch (e) {
    done(e as Error);
  }
});

app.get('/health', async () => ({ status: 'ok' }));

app.get<{ Params: { id: string } }>('/v3/identity-profiles/:id', async (request, reply) => {
  const p = byId.get(request.params.id);
  return p ?? reply.code(404).send({ message: 'not found' });
});

app.get('/v3/identity-profiles', async (request, reply) => {
  const search = request.url.slice(request.url.indexOf('?') + 1);
  const list = data.lists[search];
  if (!list) return reply.code(400).send({ message: `no such list: ${search}` });
  reply.header('X-Total-Count', list.total);
  return list.items;
});

app.patch<{ Params: { id: string }; Body: Array<{ op: string; path: string; value?: unknown }> }>(
  '/v3/identity-profiles/:id',
  async (request, reply) => {
    const p = byId.get(request.params.id);
    if (!p) return reply.code(404).send({ message: 'not found' });
    for (const op of request.body) {
      if (op.op === 'replace' && op.path === '/description') p.description = op.value;
    }
    p.modified = new Date().toISOString();
    return p;
  },
);

await app.listen({ port: Number(process.env.PORT), host: process.env.HOST ?? '127.0.0.1' });
