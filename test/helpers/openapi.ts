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
