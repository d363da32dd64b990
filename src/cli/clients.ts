import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../config.js';
import { DataFolderInUseError, describeHolder } from '../db/data-folder-lock.js';
import { ask } from '../db/data-folder-socket.js';
import { apiClientRepository } from '../db/repositories/clients.js';
import { AppError } from '../errors.js';
import { adminRequests, type AdminRequest, type ClientSummary, type CreatedClient } from './admin-requests.js';
import { withDatabase } from './admin.js';

/** A refusal the person can act on: printed as is, without a stack. */
export class AdminRequestError extends Error {
  override name = 'AdminRequestError';
}

const USAGE =
  'Usage: idprofiles clients create [--name N] [--authority ORG_ADMIN|API] [--scope S]... | list | revoke CLIENT_ID\n';

/**
 * `idprofiles clients create|list|revoke` (database from DATABASE_URL / IDPROFILES_DATA_DIR). On a
 * data folder a running server holds, the server does it (through the folder's lock socket).
 */
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
  const request: AdminRequest | undefined =
    sub === 'create'
      ? { op: 'clients.create', name: values.name!, authorities: values.authority, scopes: values.scope }
      : sub === 'list'
        ? { op: 'clients.list' }
        : sub === 'revoke' && positionals[0]
          ? { op: 'clients.revoke', id: positionals[0] }
          : undefined;
  if (!request) {
    process.stderr.write(USAGE);
    return 2;
  }
  const config = loadConfig({
    ...process.env,
    ...(values['database-url'] ? { DATABASE_URL: values['database-url'] } : {}),
    ...(values['data-dir'] ? { IDPROFILES_DATA_DIR: values['data-dir'] } : {}),
  });
  return print(request, await perform(config, request));
}

/** Runs the request on the database, or in the process that holds its data folder. */
async function perform(config: Config, request: AdminRequest, attempt = 1): Promise<unknown> {
  try {
    return await withDatabase(config, async ({ db }) => {
      try {
        return await adminRequests(apiClientRepository(db))(request);
      } catch (e) {
        throw e instanceof AppError ? new AdminRequestError(e.message) : e;
      }
    });
  } catch (e) {
    if (!(e instanceof DataFolderInUseError)) throw e;
    return throughHolder(e, request).catch((failure: NodeJS.ErrnoException) => {
      // the holder exited between our look and our request: the folder is free now
      if (attempt === 1 && (failure.code === 'ECONNREFUSED' || failure.code === 'ENOENT'))
        return perform(config, request, 2);
      throw failure;
    });
  }
}

async function throughHolder(inUse: DataFolderInUseError, request: AdminRequest): Promise<unknown> {
  const reply = await ask(inUse.address, request).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ECONNREFUSED' || e.code === 'ENOENT') throw e; // gone meanwhile: perform() tries again
    throw new AdminRequestError(
      `${inUse.message}\nAsking it to do this failed: ${e.message}.${e.code === 'EACCES' ? ' Run this command as the user that runs it.' : ''}`,
    );
  });
  if (reply.ok) {
    process.stderr.write(
      `(done by the process that holds ${inUse.folder}: pid ${inUse.holder?.pid ?? '?'}, ${inUse.holder?.command ?? 'unknown command'})\n`,
    );
    return reply.result;
  }
  if (reply.code === 'FAILED') throw new AdminRequestError(reply.message);
  throw new AdminRequestError(
    `The data folder ${inUse.folder} is in use by ${describeHolder(inUse.holder)}, which does not take admin commands. ` +
      "If it is a server that is starting, run this command again once it logs 'ready'; otherwise wait until that process has finished, or stop it, and run this command again.",
  );
}

function print(request: AdminRequest, result: unknown): number {
  switch (request.op) {
    case 'clients.create': {
      const c = result as CreatedClient;
      process.stdout.write(
        `client_id:     ${c.id}\nclient_secret: ${c.secret}\n(authorities ${c.authorities.join(',')}; scopes ${c.scopes.join(' ')}; the secret is shown once)\n`,
      );
      return 0;
    }
    case 'clients.list':
      for (const c of result as ClientSummary[]) {
        process.stdout.write(
          `${c.id}  ${c.revoked ? 'REVOKED' : 'active '}  ${c.authorities.join(',')}  ${c.scopes.join(' ')}  ${c.name}\n`,
        );
      }
      return 0;
    case 'clients.revoke': {
      const { revoked } = result as { revoked: boolean };
      process.stdout.write(revoked ? `Revoked ${request.id}.\n` : `No active client ${request.id}.\n`);
      return revoked ? 0 : 1;
    }
  }
}
