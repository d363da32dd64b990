import type { AddressInfo } from 'node:net';
import { apiClientRepository } from '../../src/db/repositories/clients.js';
import { createClient } from '../../src/domain/clients/service.js';
import type { TestApp } from '../helpers/app.js';

/**
 * Serves a test app on a free loopback port for a browser, with a new API client to sign in to
 * the console with: the server's base URL and that client's credentials.
 */
export async function serveForBrowser(
  t: TestApp,
  clientName: string,
): Promise<{ base: string; credentials: { id: string; secret: string } }> {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  const { client, secret } = await createClient(apiClientRepository(t.services.database.db), { name: clientName });
  return { base, credentials: { id: client.id, secret } };
}
