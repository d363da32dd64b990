import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { apiClientRepository } from '../db/repositories/clients.js';
import { createClient } from '../domain/clients/service.js';
import { withDatabase } from './admin.js';

/** `idprofiles clients create|list|revoke` (database from DATABASE_URL / IDPROFILES_DATA_DIR). */
export async function runClients(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      name: { type: 'string', default: 'api client' },
      authority: { type: 'string', multiple: true },
      scope: { type: 'string', multiple: true },
      'database-url': { type: 'string' },
      'data-dir': { type: 'string' },
    },
  });
  const config = loadConfig({
    ...process.env,
    ...(values['database-url'] ? { DATABASE_URL: values['database-url'] } : {}),
    ...(values['data-dir'] ? { IDPROFILES_DATA_DIR: values['data-dir'] } : {}),
  });
  return withDatabase(config, async ({ db }) => {
    const repo = apiClientRepository(db);
    switch (sub) {
      case 'create': {
        const { client, secret } = await createClient(repo, { name: values.name!, authorities: values.authority, scopes: values.scope });
        process.stdout.write(`client_id:     ${client.id}\nclient_secret: ${secret}\n(authorities ${client.authorities.join(',')}; scopes ${client.scopes.join(' ')}; the secret is shown once)\n`);
        return 0;
      }
      case 'list':
        for (const c of await repo.list()) {
          process.stdout.write(`${c.id}  ${c.revokedAt ? 'REVOKED' : 'active '}  ${c.authorities.join(',')}  ${c.scopes.join(' ')}  ${c.name}\n`);
        }
        return 0;
      case 'revoke': {
        if (!positionals[0]) throw new Error('Usage: idprofiles clients revoke CLIENT_ID');
        const ok = await repo.revoke(positionals[0], new Date());
        process.stdout.write(ok ? `Revoked ${positionals[0]}.\n` : `No active client ${positionals[0]}.\n`);
        return ok ? 0 : 1;
      }
      default:
        process.stderr.write('Usage: idprofiles clients create|list|revoke\n');
        return 2;
    }
  });
}
