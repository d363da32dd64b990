import type { FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import type { Readable } from 'node:stream';
import { Type } from 'typebox';
import { ERRORS } from '../../errors.js';
import type { DomainContext } from '../../domain/context.js';
import { startAccountLoad } from '../../domain/accounts/load.js';
import { Account, type LoadOptions } from '../../domain/accounts/schema.js';
import { getAccount, listAccounts } from '../../domain/accounts/service.js';
import { TaskStatus } from '../../domain/tasks/schema.js';
import { toTaskStatus } from '../../domain/tasks/service.js';
import { CollectionQuerystring, actorOf, errorResponses, page } from './responses.js';

const LEVELS = ['ORG_ADMIN', 'API', 'SOURCE_ADMIN', 'SOURCE_SUBADMIN'];
const ACCOUNTS_READ = { scopes: ['idn:accounts:read', 'idn:accounts:manage'], userLevels: LEVELS };
const SOURCES_MANAGE = { scopes: ['idn:sources:manage'], userLevels: LEVELS };
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) });

export interface UploadLimits {
  /** The largest file a load accepts (IDPROFILES_UPLOAD_LIMIT). */
  maxBytes: number;
}
/** Beyond ISC: a preview that writes nothing, and the operator's explicit leave to remove more than the source's deleteThreshold. */
const LoadQuerystring = Type.Object({
  dryRun: Type.Optional(Type.Boolean({ description: 'true: report what the load would add, update, remove and reject (with examples), and the identities it would create and remove; write nothing' })),
  allowDeletes: Type.Optional(Type.Integer({ minimum: 0, maximum: 2147483647, description: "Allow this load to remove up to this many accounts, whatever the source's deleteThreshold (a file with no data rows still removes nothing)" })),
});

/** Accounts (`/v3/accounts`) and loading them from CSV (`/v3/sources/{id}/load-accounts`). */
export async function accountRoutes(app: FastifyInstance, prefix: string, ctx: DomainContext, uploads: UploadLimits) {
  await app.register(multipart, { limits: { fileSize: uploads.maxBytes, files: 1, fields: 10 } });
  app.get<{ Querystring: Record<string, string> }>(`${prefix}/accounts`, {
    config: { rights: ACCOUNTS_READ },
    schema: { tags: ['Accounts'], summary: 'List accounts', querystring: CollectionQuerystring, response: { 200: Type.Array(Account), ...errorResponses(400) } },
  }, async (request, reply) => page(reply, await listAccounts(ctx, request.query)));
  app.get<{ Params: { id: string } }>(`${prefix}/accounts/:id`, {
    config: { rights: ACCOUNTS_READ },
    schema: { tags: ['Accounts'], summary: 'Get an account', params: IdParams, response: { 200: Account, ...errorResponses(400, 404) } },
  }, async (request) => getAccount(ctx, request.params.id));
  app.post<{ Params: { id: string }; Querystring: LoadOptions }>(`${prefix}/sources/:id/load-accounts`, {
    config: { rights: SOURCES_MANAGE, bulk: true },
    schema: {
      tags: ['Sources'], summary: 'Load accounts from a CSV file (multipart part `file`); a full aggregation, run as a task',
      consumes: ['multipart/form-data'], params: IdParams, querystring: LoadQuerystring,
      response: { 202: Type.Object({ success: Type.Boolean(), task: TaskStatus }), ...errorResponses(400, 404, 413) },
    },
  }, async (request, reply) => {
    if (!request.isMultipart()) throw ERRORS.badRequest("Send the file as multipart/form-data in a part named 'file'.");
    const part = await request.file();
    if (!part || part.fieldname !== 'file') throw ERRORS.badRequest("Send the file as multipart/form-data in a part named 'file'.");
    const file = failingOverLimit(part.file, uploads.maxBytes);
    let task;
    try {
      task = await startAccountLoad(ctx, request.params.id, file, actorOf(request), request.query);
    } catch (e) {
      // the client may still be sending (a refused header, a 413): answer, then close instead of reading the rest
      if (!file.readableEnded) reply.header('connection', 'close');
      throw e;
    }
    return reply.code(202).header('Location', `${prefix}/task-status/${task.id}`).send({ success: true, task: toTaskStatus(task) });
  });
}

/**
 * The upload stream, failing with a 413 the moment the file passes `maxBytes` (busboy then stops
 * passing data on). Failing — not ending early — matters: the load reads the stream while staging
 * rows, and a stream that merely ended would be staged and applied as a complete file, removing
 * every account past the cut.
 */
function failingOverLimit(file: Readable & { truncated?: boolean }, maxBytes: number): Readable {
  const refuse = () => file.destroy(ERRORS.payloadTooLarge(`The file is larger than this server's upload limit of ${describeBytes(maxBytes)}; nothing was loaded.`));
  // a small body can be parsed whole before the route sees its part
  if (file.truncated) refuse();
  else file.once('limit', refuse);
  return file;
}

/** `1 GiB (1073741824 bytes)`, or plain bytes when not a whole number of KiB, MiB or GiB. */
function describeBytes(n: number): string {
  const unit = [['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]].find(([, size]) => n % (size as number) === 0);
  return unit ? `${n / (unit[1] as number)} ${unit[0]} (${n} bytes)` : `${n} bytes`;
}
