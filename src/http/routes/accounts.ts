import type { FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
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
/** Beyond ISC: a preview that writes nothing, and the operator's explicit leave to remove more than the source's deleteThreshold. */
const LoadQuerystring = Type.Object({
  dryRun: Type.Optional(Type.Boolean({ description: 'true: report what the load would add, update, remove and reject (with examples), and the identities it would create and remove; write nothing' })),
  allowDeletes: Type.Optional(Type.Integer({ minimum: 0, maximum: 2147483647, description: "Allow this load to remove up to this many accounts, whatever the source's deleteThreshold (a file with no data rows still removes nothing)" })),
});
const MAX_FILE_BYTES = 2 * 1024 * 1024 * 1024;

/** Accounts (`/v3/accounts`) and loading them from CSV (`/v3/sources/{id}/load-accounts`). */
export async function accountRoutes(app: FastifyInstance, prefix: string, ctx: DomainContext) {
  await app.register(multipart, { limits: { fileSize: MAX_FILE_BYTES, files: 1, fields: 10 } });
  app.get<{ Querystring: Record<string, string> }>(`${prefix}/accounts`, {
    config: { rights: ACCOUNTS_READ },
    schema: { tags: ['Accounts'], summary: 'List accounts', querystring: CollectionQuerystring, response: { 200: Type.Array(Account), ...errorResponses(400) } },
  }, async (request, reply) => page(reply, await listAccounts(ctx, request.query)));
  app.get<{ Params: { id: string } }>(`${prefix}/accounts/:id`, {
    config: { rights: ACCOUNTS_READ },
    schema: { tags: ['Accounts'], summary: 'Get an account', params: IdParams, response: { 200: Account, ...errorResponses(400, 404) } },
  }, async (request) => getAccount(ctx, request.params.id));
  app.post<{ Params: { id: string }; Querystring: LoadOptions }>(`${prefix}/sources/:id/load-accounts`, {
    config: { rights: SOURCES_MANAGE },
    schema: {
      tags: ['Sources'], summary: 'Load accounts from a CSV file (multipart part `file`); a full aggregation, run as a task',
      consumes: ['multipart/form-data'], params: IdParams, querystring: LoadQuerystring,
      response: { 202: Type.Object({ success: Type.Boolean(), task: TaskStatus }), ...errorResponses(400, 404) },
    },
  }, async (request, reply) => {
    if (!request.isMultipart()) throw ERRORS.badRequest("Send the file as multipart/form-data in a part named 'file'.");
    const part = await request.file();
    if (!part || part.fieldname !== 'file') throw ERRORS.badRequest("Send the file as multipart/form-data in a part named 'file'.");
    const task = await startAccountLoad(ctx, request.params.id, part.file, actorOf(request), request.query);
    if (part.file.truncated) throw ERRORS.payloadTooLarge('The file is larger than the 2 GiB limit.');
    return reply.code(202).header('Location', `${prefix}/task-status/${task.id}`).send({ success: true, task: toTaskStatus(task) });
  });
}
