import { startTestApp } from './app.js';

/** Our generated OpenAPI document, from an app on a throw-away embedded database. */
export async function buildOpenApiDocument(): Promise<unknown> {
  const t = await startTestApp('pglite');
  try {
    return (await t.app.inject({ method: 'GET', url: '/docs/json' })).json();
  } finally {
    await t.close();
  }
}

/** A local `$ref` (`#/components/schemas/IdentityProfile`) → what it points at in `doc`. */
function pointAt(doc: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) throw new Error(`not a local reference: ${ref}`);
  return ref
    .slice(2)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<any>((node, token) => {
      if (node === undefined || !(token in node)) throw new Error(`unresolved reference: ${ref}`);
      return node[token];
    }, doc);
}

/** Every `$ref` the document holds (schemas and responses), each once per use. */
export function refsIn(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) refsIn(item, out);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') out.push(value);
      else refsIn(value, out);
    }
  }
  return out;
}

/** The document with every local `$ref` replaced by what it points at (to read a path's schemas as a client sees them). */
export function resolveRefs<T>(doc: T): T {
  const resolve = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(resolve);
    if (!node || typeof node !== 'object') return node;
    const { $ref } = node as { $ref?: unknown };
    if (typeof $ref === 'string') return resolve(pointAt(doc, $ref));
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, resolve(v)]));
  };
  return resolve(doc) as T;
}
