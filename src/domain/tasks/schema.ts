import { Type, type Static } from 'typebox';
import { DateTime, Nullable } from '../shared/schema.js';

export const CompletionStatus = Type.Union(
  [
    Type.Literal('Success'),
    Type.Literal('Warning'),
    Type.Literal('Error'),
    Type.Literal('Terminated'),
    Type.Literal('TempError'),
  ],
  { title: 'CompletionStatus' },
);

/**
 * What ISC's 202 answers carry (delete, bulk delete). `completed` and `completionStatus` are
 * non-nullable in every version's document, so a running task leaves them out.
 */
export const TaskResultSimplified = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Type.String(),
    launcher: Type.String(),
    completed: Type.Optional(DateTime),
    launched: DateTime,
    completionStatus: Type.Optional(CompletionStatus),
  },
  { title: 'TaskResultSimplified', description: 'Reference to the task doing the work (TaskResultSimplified)' },
);
export type TaskResultSimplified = Static<typeof TaskResultSimplified>;

export const TaskMessage = Type.Object(
  {
    type: Type.Union([Type.Literal('INFO'), Type.Literal('WARN'), Type.Literal('ERROR')]),
    localizedText: Type.Object({ locale: Type.String(), message: Type.String() }),
    key: Type.String(),
    parameters: Type.Array(Type.Unknown()),
  },
  { title: 'TaskStatusMessage' },
);
export type TaskMessage = Static<typeof TaskMessage>;

export const TaskProgress = Type.Object(
  {
    total: Type.Integer(),
    processed: Type.Integer(),
    changed: Type.Integer(),
    failed: Type.Integer(),
  },
  { title: 'TaskProgress' },
);
export type TaskProgress = Static<typeof TaskProgress>;

/** `GET /<version>/task-status/{id}`: ISC's TaskStatus, plus our live progress. */
export const TaskStatus = Type.Object(
  {
    id: Type.String(),
    type: Type.String(),
    uniqueName: Type.String(),
    description: Type.String(),
    parentName: Nullable(Type.String()),
    launcher: Type.String(),
    target: Nullable(Type.Object({ type: Type.String(), id: Type.String(), name: Type.String() })),
    created: DateTime,
    modified: DateTime,
    launched: DateTime,
    completed: Nullable(DateTime),
    completionStatus: Nullable(CompletionStatus),
    messages: Type.Array(TaskMessage),
    returns: Type.Array(Type.Object({ displayLabel: Type.String(), attributeName: Type.String() })),
    attributes: Type.Record(Type.String(), Type.Unknown()),
    progress: Nullable(Type.String()),
    percentComplete: Type.Integer(),
    taskProgress: Nullable(TaskProgress),
    estimatedSecondsLeft: Nullable(
      Type.Integer({ description: 'Estimate from the rate so far (running tasks with progress)' }),
    ),
    result: Nullable(Type.Record(Type.String(), Type.Unknown())),
  },
  { title: 'TaskStatus', description: 'Task status' },
);
export type TaskStatus = Static<typeof TaskStatus>;

/**
 * The same status as task-status.v1 declares it (the per-service layout): `type` is the kind of
 * ISC executor (always `QUARTZ` here; the task's own kind stays filterable as `type`, as ISC's
 * list filters by CLOUD_ACCOUNT_AGGREGATION…, and reads in `uniqueName`), `completionStatus` is
 * upper case, a target's type is APPLICATION (a source: `attributes.appId` names it), IDENTITY or
 * null (anything else).
 */
export const PerServiceCompletionStatus = Type.Union(
  [
    Type.Literal('SUCCESS'),
    Type.Literal('WARNING'),
    Type.Literal('ERROR'),
    Type.Literal('TERMINATED'),
    Type.Literal('TEMPERROR'),
  ],
  { title: 'CompletionStatusV1' },
);
export const PerServiceTaskStatus = Type.Object(
  {
    ...TaskStatus.properties,
    type: Type.Literal('QUARTZ'),
    completionStatus: Nullable(PerServiceCompletionStatus),
    target: Nullable(
      Type.Object({
        type: Nullable(Type.Union([Type.Literal('APPLICATION'), Type.Literal('IDENTITY')])),
        id: Type.String(),
        name: Type.String(),
      }),
    ),
  },
  { title: 'TaskStatusV1', description: 'Task status (task-status.v1)' },
);
export type PerServiceTaskStatus = Static<typeof PerServiceTaskStatus>;

/** `GET /<version>/task-status` filters (ISC's list: type, completionStatus; ours: target). */
export const TASK_FILTERS = {
  id: { type: 'string', ops: ['eq', 'in'] },
  type: { type: 'string', ops: ['eq', 'in'] },
  completionStatus: { type: 'string', ops: ['eq', 'in', 'isnull', 'pr'] },
  'target.id': { type: 'string', ops: ['eq', 'in'] },
  /** task-status.v1: the source a task worked on (its target's id). */
  sourceId: { type: 'string', ops: ['eq', 'in'] },
  launcher: { type: 'string', ops: ['eq', 'in'] },
  launched: { type: 'datetime', ops: ['gt', 'ge', 'lt', 'le'] },
} as const;
/** `created` (task-status.v1's one sorter) is when the task was launched. */
export const TASK_SORTERS = ['launched', 'completed', 'modified', 'type', 'created'] as const;
