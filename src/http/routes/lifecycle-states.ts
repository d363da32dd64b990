import type { FastifyInstance, FastifySchema } from 'fastify';
import { Type } from 'typebox';
import type { DomainContext } from '../../domain/context.js';
import {
  LifecycleStateDeleted,
  LifecycleStateInput,
  LifecycleStateOutput,
} from '../../domain/lifecycle-states/schema.js';
import { createState, deleteState, getState, listStates, patchState } from '../../domain/lifecycle-states/service.js';
import { JsonPatch } from '../../domain/shared/schema.js';
import { rightsOf } from '../rights.js';
import type { ApiVersion, LifecycleStateOperation } from '../versions.js';
import { actorOf, errorResponses, page } from './responses.js';

const ProfileParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 128, description: 'Identity profile id' }),
});
const StateParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 128, description: 'Identity profile id' }),
  stateId: Type.String({ minLength: 1, maxLength: 128, description: 'Lifecycle state id' }),
});
/** ISC's list takes paging, count and sorters (name, priority, created, modified); no filters. */
const ListQuerystring = Type.Object({
  limit: Type.Optional(Type.String({ description: 'Max results, 0..250 (default 250)' })),
  offset: Type.Optional(Type.String({ description: 'Results to skip (default 0)' })),
  count: Type.Optional(Type.String({ description: 'true: total in X-Total-Count' })),
  sorters: Type.Optional(Type.String({ description: 'name, priority, created, modified; - for descending' })),
  filters: Type.Optional(Type.String({ description: 'Not supported here (400)' })),
});
type Profile = { Params: { id: string } };
type State = { Params: { id: string; stateId: string } };

/**
 * The lifecycle-state operations a version's document declares (one implementation; the version's
 * policy says which shape it shows and what a PATCH may change).
 */
export function lifecycleStateRoutes(app: FastifyInstance, v: ApiVersion, ctx: DomainContext) {
  const { policy, operations } = v.lifecycleStates;
  const base = `${v.profilesPath}/:id/lifecycle-states`;
  const State = LifecycleStateOutput[policy.shape];
  const op = (name: LifecycleStateOperation, summary: string, schema: FastifySchema) => {
    const declared = operations[name]!;
    return {
      config: { rights: rightsOf(v.name, `lifecycleStates.${name}`) },
      schema: { tags: ['Lifecycle States'], operationId: `${v.name}_${declared.operationId}`, summary, ...schema },
    };
  };

  if (operations.list) {
    app.get<Profile & { Querystring: Record<string, string> }>(
      base,
      op('list', 'List the lifecycle states of an identity profile', {
        params: ProfileParams,
        querystring: ListQuerystring,
        response: { 200: Type.Array(State), ...errorResponses(400, 404) },
      }),
      async (request, reply) => page(reply, await listStates(ctx, request.params.id, request.query, policy)),
    );
  }
  if (operations.create) {
    app.post<Profile & { Body: LifecycleStateInput }>(
      base,
      op('create', 'Create a lifecycle state', {
        params: ProfileParams,
        body: LifecycleStateInput[policy.shape],
        response: { 201: State, ...errorResponses(400, 404) },
      }),
      async (request, reply) =>
        reply.code(201).send(await createState(ctx, request.params.id, request.body, policy, actorOf(request))),
    );
  }
  if (operations.get) {
    app.get<State>(
      `${base}/:stateId`,
      op('get', 'Get a lifecycle state', {
        params: StateParams,
        response: { 200: State, ...errorResponses(400, 404) },
      }),
      async (request) => getState(ctx, request.params.id, request.params.stateId, policy),
    );
  }
  if (operations.update) {
    app.patch<State & { Body: JsonPatch }>(
      `${base}/:stateId`,
      op('update', 'Update a lifecycle state (JSON Patch)', {
        params: StateParams,
        body: JsonPatch,
        response: { 200: State, ...errorResponses(400, 404) },
      }),
      async (request) =>
        patchState(ctx, request.params.id, request.params.stateId, request.body, policy, actorOf(request)),
    );
  }
  if (operations.delete) {
    app.delete<State>(
      `${base}/:stateId`,
      op('delete', 'Delete a lifecycle state', {
        params: StateParams,
        response: { 202: LifecycleStateDeleted, ...errorResponses(400, 404) },
      }),
      async (request, reply) =>
        reply.code(202).send(await deleteState(ctx, request.params.id, request.params.stateId, actorOf(request))),
    );
  }
}
