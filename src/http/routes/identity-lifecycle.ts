import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { DomainContext } from '../../domain/context.js';
import { MAX_SELECTED_IDENTITIES, requestIdentityProcessing } from '../../domain/identities/process-selected.js';
import { setLifecycleState } from '../../domain/identities/set-lifecycle-state.js';
import { rightsOf } from '../rights.js';
import { IDENTITY_LIFECYCLE, type VersionName } from '../versions.js';
import { actorOf, errorResponses } from './responses.js';

const ProcessIdentitiesRequest = Type.Object({
  identityIds: Type.Array(Type.String({ minLength: 1, maxLength: 128 }), {
    minItems: 1,
    maxItems: MAX_SELECTED_IDENTITIES,
    description: 'Up to 250 identity ids',
  }),
});
/**
 * ISC's TaskResultResponse. Its `name` is "not used in this endpoint, always null", yet declared a
 * non-nullable string: left out.
 */
const TaskResultResponse = Type.Object({ type: Type.Literal('TASK_RESULT'), id: Type.String() });

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128, description: 'Identity id' }) });
const SetLifecycleStateRequest = Type.Object({
  lifecycleStateId: Type.String({ minLength: 1, maxLength: 128, description: 'The lifecycle state to set' }),
});
const SetLifecycleStateResponse = Type.Object({
  accountActivityId: Type.String({
    description: 'The task that recorded the change and its account actions (read it at /v3/task-status/{id})',
  }),
});

/**
 * The identity operations of issue 15 in one version: `POST …/identities/process` and
 * `POST …/identities/{id}/set-lifecycle-state`, where the version's document has them
 * (IDENTITY_LIFECYCLE). The experimental header v2024+ declare for process is not required.
 */
export function identityLifecycleRoutes(app: FastifyInstance, version: VersionName, ctx: DomainContext) {
  const ops = IDENTITY_LIFECYCLE[version];
  const base = ops.identitiesPath;
  if (ops.setLifecycleState) {
    app.post<{ Params: { id: string }; Body: { lifecycleStateId: string } }>(
      `${base}/:id/set-lifecycle-state`,
      {
        config: { rights: rightsOf(version, 'setLifecycleState') },
        schema: {
          tags: ['Lifecycle States'],
          operationId: `${version}_${ops.setLifecycleState}`,
          summary: "Set an identity's lifecycle state (by hand)",
          params: IdParams,
          body: SetLifecycleStateRequest,
          response: { 200: SetLifecycleStateResponse, ...errorResponses(400, 404) },
        },
      },
      async (request) => setLifecycleState(ctx, request.params.id, request.body.lifecycleStateId, actorOf(request)),
    );
  }
  if (ops.startIdentityProcessing) {
    app.post<{ Body: { identityIds: string[] } }>(
      `${base}/process`,
      {
        config: { rights: rightsOf(version, 'startIdentityProcessing') },
        schema: {
          tags: ['Identities'],
          operationId: `${version}_${ops.startIdentityProcessing}`,
          summary: 'Process up to 250 identities (a task)',
          body: ProcessIdentitiesRequest,
          response: { 202: TaskResultResponse, ...errorResponses(400) },
        },
      },
      async (request, reply) => {
        const { taskId } = await requestIdentityProcessing(ctx, request.body.identityIds, actorOf(request));
        const prefix = version === 'v1' ? '/v3' : `/${version}`;
        return reply
          .code(202)
          .header('Location', `${prefix}/task-status/${taskId}`)
          .send({ type: 'TASK_RESULT', id: taskId });
      },
    );
  }
}
