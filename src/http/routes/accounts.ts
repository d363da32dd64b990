import type { FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import type { Readable } from 'node:stream';
import { Type, type Static } from 'typebox';
import { AppError } from '../../errors.js';
import type { DomainContext } from '../../domain/context.js';
import { startAccountLoad } from '../../domain/accounts/load.js';
import { Account, PerServiceAccount, toPerServiceAccount, type LoadOptions } from '../../domain/accounts/schema.js';
import { getAccount, listAccounts } from '../../domain/accounts/service.js';
import { setAccountsDisabled } from '../../domain/accounts/enable-disable.js';
import { toTaskStatus } from '../../domain/tasks/service.js';
import type { ServiceLayout } from '../layouts.js';
import { rightsOf } from '../rights.js';
import { taskStatusShape } from './task-status.js';
import { CollectionQuerystring, actorOf, errorResponses, page } from './responses.js';

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) });

export interface UploadLimits {
  /** The largest file a load accepts (IDPROFILES_UPLOAD_LIMIT). */
  maxBytes: number;
}
/** Beyond ISC: a preview that writes nothing, and the operator's explicit leave to remove more than the source's deleteThreshold. */
const LoadQuerystring = Type.Object({
  dryRun: Type.Optional(
    Type.Boolean({
      description:
        'true: report what the load would add, update, remove and reject (with examples), and the identities it would create and remove; write nothing',
    }),
  ),
  allowDeletes: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 2147483647,
      description:
        "Allow this load to remove up to this many accounts, whatever the source's deleteThreshold (a file with no data rows still removes nothing)",
    }),
  ),
});

/** ISC's AccountToggleRequest: accepted and recorded nowhere (there is no connector to provision through). */
const AccountToggleRequest = Type.Object({
  externalVerificationId: Type.Optional(Type.String()),
  forceProvisioning: Type.Optional(Type.Boolean()),
});
/** ISC's AccountsAsyncResult: the task that did it, readable at task-status. */
const AccountsAsyncResult = Type.Object({ id: Type.String({ description: 'id of the task' }) });

/**
 * Accounts (`/v3/accounts`, `/accounts/v1`…: list, get, enable, disable) and loading them from CSV
 * (`/v3/sources/{id}/load-accounts`, `/sources/v1/{id}/load-accounts`).
 */
export async function accountRoutes(
  app: FastifyInstance,
  layout: ServiceLayout,
  ctx: DomainContext,
  uploads: UploadLimits,
) {
  await app.register(multipart, { limits: { fileSize: uploads.maxBytes, files: 1, fields: 10 } });
  const taskLink = (id: string) => `${layout.paths.taskStatus}/${id}`;
  const accounts = layout.paths.accounts;
  if (accounts) mountAccounts(app, accounts, layout, ctx, taskLink);
  const { schema: LoadTask, show } = taskStatusShape(layout);
  app.post<{ Params: { id: string }; Querystring: LoadOptions }>(
    `${layout.paths.sourceLoads}/:id/load-accounts`,
    {
      config: { rights: rightsOf(layout.name, 'loadAccounts'), bulk: true },
      schema: {
        tags: ['Sources'],
        summary: 'Load accounts from a CSV file (multipart part `file`); a full aggregation, run as a task',
        consumes: ['multipart/form-data'],
        params: IdParams,
        querystring: LoadQuerystring,
        response: { 202: Type.Object({ success: Type.Boolean(), task: LoadTask }), ...errorResponses(400, 404, 413) },
      },
    },
    async (request, reply) => {
      if (!request.isMultipart())
        throw new AppError('invalid_upload', "Send the file as multipart/form-data in a part named 'file'.");
      const part = await request.file();
      if (part?.fieldname !== 'file')
        throw new AppError('invalid_upload', "Send the file as multipart/form-data in a part named 'file'.");
      const file = failingOverLimit(part.file, uploads.maxBytes);
      let task;
      try {
        task = await startAccountLoad(ctx, request.params.id, file, actorOf(request), request.query);
      } catch (e) {
        // the client may still be sending (a refused header, a 413): answer, then close instead of reading the rest
        if (!file.readableEnded) reply.header('connection', 'close');
        throw e;
      }
      return reply
        .code(202)
        .header('Location', taskLink(task.id))
        .send({ success: true, task: show(toTaskStatus(task)) });
    },
  );
}

function mountAccounts(
  app: FastifyInstance,
  base: string,
  layout: ServiceLayout,
  ctx: DomainContext,
  taskLink: (id: string) => string,
) {
  const perService = layout.shapes === 'perService';
  const Shape = perService ? PerServiceAccount : Account;
  const show = (account: Account): Account | PerServiceAccount => (perService ? toPerServiceAccount(account) : account);
  app.get<{ Querystring: Record<string, string> }>(
    base,
    {
      config: { rights: rightsOf(layout.name, 'listAccounts') },
      schema: {
        tags: ['Accounts'],
        summary: 'List accounts',
        querystring: CollectionQuerystring,
        response: { 200: Type.Array(Shape), ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      const { items, total } = await listAccounts(ctx, request.query);
      return page(reply, { items: items.map(show), total });
    },
  );
  app.get<{ Params: { id: string } }>(
    `${base}/:id`,
    {
      config: { rights: rightsOf(layout.name, 'getAccount') },
      schema: {
        tags: ['Accounts'],
        summary: 'Get an account',
        params: IdParams,
        response: { 200: Shape, ...errorResponses(400, 404) },
      },
    },
    async (request) => show(await getAccount(ctx, request.params.id)),
  );
  for (const [action, disabled] of [
    ['enable', false],
    ['disable', true],
  ] as const) {
    app.post<{ Params: { id: string }; Body: Static<typeof AccountToggleRequest> }>(
      `${base}/:id/${action}`,
      {
        config: { rights: rightsOf(layout.name, disabled ? 'disableAccount' : 'enableAccount') },
        schema: {
          tags: ['Accounts'],
          summary: `${disabled ? 'Disable' : 'Enable'} an account (recorded on the account; answers with the task, complete)`,
          params: IdParams,
          body: AccountToggleRequest,
          response: { 202: AccountsAsyncResult, ...errorResponses(400, 404) },
        },
      },
      async (request, reply) => {
        const { task } = await setAccountsDisabled(
          ctx,
          { accountIds: [request.params.id] },
          disabled,
          actorOf(request),
        );
        return reply.code(202).header('Location', taskLink(task.id)).send({ id: task.id });
      },
    );
  }
}

/**
 * The upload stream, failing with a 413 the moment the file passes `maxBytes` (busboy then stops
 * passing data on). Failing — not ending early — matters: the load reads the stream while staging
 * rows, and a stream that merely ended would be staged and applied as a complete file, removing
 * every account past the cut.
 */
function failingOverLimit(file: Readable & { truncated?: boolean }, maxBytes: number): Readable {
  const refuse = () =>
    file.destroy(
      new AppError(
        'upload_too_large',
        `The file is larger than this server's upload limit of ${describeBytes(maxBytes)}; nothing was loaded.`,
      ),
    );
  // a small body can be parsed whole before the route sees its part
  if (file.truncated) refuse();
  else file.once('limit', refuse);
  return file;
}

/** `1 GiB (1073741824 bytes)`, or plain bytes when not a whole number of KiB, MiB or GiB. */
function describeBytes(n: number): string {
  const unit = [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ].find(([, size]) => n % (size as number) === 0);
  return unit ? `${n / (unit[1] as number)} ${unit[0]} (${n} bytes)` : `${n} bytes`;
}
