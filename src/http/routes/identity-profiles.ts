import type { FastifyInstance, FastifyReply, FastifySchema } from 'fastify';
import { Type } from 'typebox';
import type { DomainContext } from '../../domain/context.js';
import { requestDelete } from '../../domain/identity-profiles/delete.js';
import { getDefaultConfig } from '../../domain/identity-profiles/default-config.js';
import { patchProfile } from '../../domain/identity-profiles/patch.js';
import { previewIdentity } from '../../domain/identity-profiles/preview.js';
import { requestProcessing } from '../../domain/identity-profiles/process.js';
import * as S from '../../domain/identity-profiles/schema.js';
import { createProfile, getProfileJson, listProfiles } from '../../domain/identity-profiles/service.js';
import { unknownAttributeWarning, unknownAttributesIn } from '../../domain/identity-profiles/mapping-warnings.js';
import { exportProfiles, importProfiles } from '../../domain/identity-profiles/transfer.js';
import { JsonPatch } from '../../domain/shared/schema.js';
import { TaskResultSimplified } from '../../domain/tasks/schema.js';
import { layoutOf } from '../layouts.js';
import { rightsOf } from '../rights.js';
import type { ApiVersion, ProfileOperation } from '../versions.js';
import { actorOf, CollectionQuerystring, errorResponses, warn } from './responses.js';

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128, description: 'Identity profile id' }) });
const DryRun = Type.Object({
  dryRun: Type.Optional(Type.Boolean({ description: 'Compute and report, write nothing' })),
});
type Id = { Params: { id: string } };

/**
 * The only routes that skip the response schema's serializer: GET by id and the list send the
 * profiles' JSON text as the database puts it together from the parts stored with each row
 * (db/repositories/identity-profile-json.ts) — the hot reads, with no parse and no serialization
 * per profile (bench/api, BENCHMARKS.md). That text is the serializer's output for the same
 * profile (test/integration/identity-profiles/stored-json.test.ts). Every other route serializes.
 */
const sendStoredJson = (reply: FastifyReply, json: string) => reply.type('application/json; charset=utf-8').send(json);

/** The eleven identity-profile operations of one API version (one implementation, mounted per version). */
export function identityProfileRoutes(app: FastifyInstance, v: ApiVersion, ctx: DomainContext) {
  const base = v.profilesPath;
  /** Links follow the caller's layout: `/v3/task-status/…`, `/task-status/v1/…`. */
  const taskStatus = layoutOf(v.name).paths.taskStatus;
  /** Route options: the version's rights for the operation, and its documented schema. */
  const op = (name: ProfileOperation, summary: string, schema: FastifySchema) => ({
    config: { rights: rightsOf(v.name, name) },
    schema: {
      tags: [`Identity Profiles (${v.name})`],
      operationId: `${v.name}_${v.operationIds[name]}`,
      summary,
      ...schema,
    },
  });

  app.get<{ Querystring: Record<string, string> }>(
    base,
    op('listIdentityProfiles', 'List identity profiles', {
      querystring: CollectionQuerystring,
      response: { 200: Type.Array(S.IdentityProfile), ...errorResponses(400) },
    }),
    async (request, reply) => {
      const { json, total } = await listProfiles(ctx, request.query);
      if (total !== undefined) reply.header('X-Total-Count', total);
      return sendStoredJson(reply, json);
    },
  );

  app.post<{ Body: S.IdentityProfileInput }>(
    base,
    op('createIdentityProfile', 'Create an identity profile', {
      body: S.IdentityProfileInput,
      response: { 201: S.IdentityProfile, ...errorResponses(400) },
    }),
    async (request, reply) => {
      const profile = await createProfile(ctx, request.body, v.policy, actorOf(request));
      warn(reply, (await unknownAttributesIn(ctx, profile.identityAttributeConfig)).map(unknownAttributeWarning));
      return reply.code(201).send(profile);
    },
  );

  app.post<{ Body: string[] }>(
    `${base}/bulk-delete`,
    op('deleteIdentityProfiles', 'Delete identity profiles', {
      body: S.BulkDeleteRequest,
      response: { 202: TaskResultSimplified, ...errorResponses(400) },
    }),
    async (request, reply) => reply.code(202).send(await requestDelete(ctx, request.body, actorOf(request), true)),
  );

  app.get<{ Querystring: Record<string, string> }>(
    `${base}/export`,
    op('exportIdentityProfiles', 'Export identity profiles', {
      querystring: CollectionQuerystring,
      response: { 200: Type.Array(S.ExportedIdentityProfile), ...errorResponses(400) },
    }),
    async (request, reply) => {
      const { items, total } = await exportProfiles(ctx, request.query);
      if (total !== undefined) reply.header('X-Total-Count', total);
      return items;
    },
  );

  const importOp = op('importIdentityProfiles', 'Import identity profiles', {
    querystring: DryRun,
    body: S.ImportRequest,
    response: { 200: S.ObjectImportResult, ...errorResponses(400) },
  });
  // its work is per item (at most 1,000 profiles): its body is bounded by size, per object and depth, not by members in all (json-body.ts)
  app.post<{ Body: S.ImportItem[]; Querystring: { dryRun?: boolean } }>(
    `${base}/import`,
    { ...importOp, config: { ...importOp.config, jsonMembers: 1_000_000 } },
    async (request) => importProfiles(ctx, request.body, v.policy, actorOf(request), request.query),
  );

  app.post<{ Body: S.IdentityPreviewRequest }>(
    `${base}/identity-preview`,
    op('identityPreview', 'Preview an identity with a mapping', {
      body: S.IdentityPreviewRequest,
      response: { 200: S.IdentityPreviewResponse, ...errorResponses(400) },
    }),
    async (request) => previewIdentity(ctx, request.body, v.policy),
  );

  app.get<Id>(
    `${base}/:id`,
    op('getIdentityProfile', 'Get an identity profile', {
      params: IdParams,
      response: { 200: S.IdentityProfile, ...errorResponses(400, 404) },
    }),
    async (request, reply) => sendStoredJson(reply, await getProfileJson(ctx, request.params.id)),
  );

  app.delete<Id>(
    `${base}/:id`,
    op('deleteIdentityProfile', 'Delete an identity profile', {
      params: IdParams,
      response: { 202: TaskResultSimplified, ...errorResponses(400, 404) },
    }),
    async (request, reply) =>
      reply.code(202).send(await requestDelete(ctx, [request.params.id], actorOf(request), false)),
  );

  app.patch<Id & { Body: JsonPatch }>(
    `${base}/:id`,
    op('updateIdentityProfile', 'Update an identity profile (JSON Patch)', {
      params: IdParams,
      body: JsonPatch,
      response: { 200: S.IdentityProfile, ...errorResponses(400, 404) },
    }),
    async (request, reply) => {
      const profile = await patchProfile(ctx, request.params.id, request.body, actorOf(request));
      // only a patch of the mappings can name a new attribute: the other PATCHes read no sources
      if (request.body.some((op) => op.path.startsWith('/identityAttributeConfig'))) {
        warn(reply, (await unknownAttributesIn(ctx, profile.identityAttributeConfig)).map(unknownAttributeWarning));
      }
      return profile;
    },
  );

  app.get<Id>(
    `${base}/:id/default-identity-attribute-config`,
    op('getDefaultIdentityAttributeConfig', 'Default identity attribute config', {
      params: IdParams,
      response: { 200: S.IdentityAttributeConfig, ...errorResponses(400, 404) },
    }),
    async (request) => getDefaultConfig(ctx, request.params.id),
  );

  app.post<Id & { Querystring: { dryRun?: boolean } }>(
    `${base}/:id/process-identities`,
    op('syncIdentityProfile', 'Process the identities of a profile', {
      params: IdParams,
      querystring: DryRun,
      response: { 202: Type.Object({}), ...errorResponses(400, 404) },
    }),
    async (request, reply) => {
      const { taskId } = await requestProcessing(ctx, request.params.id, actorOf(request), request.query);
      return reply.code(202).header('Location', `${taskStatus}/${taskId}`).send({});
    },
  );
}
