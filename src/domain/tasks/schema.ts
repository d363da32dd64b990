import { Type, type Static } from 'typebox';
import { DateTime, Nullable } from '../shared/schema.js';

export const CompletionStatus = Type.Union([
  Type.Literal('Success'), Type.Literal('Warning'), Type.Literal('Error'), Type.Literal('Terminated'), Type.Literal('TempError'),
]);

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
  { description: 'Reference to the task doing the work (TaskResultSimplified)' },
);
export type TaskResultSimplified = Static<typeof TaskResultSimplified>;

export const TaskMessage = Type.Object({
  type: Type.Union([Type.Literal('INFO'), Type.Literal('WARN'), Type.Literal('ERROR')]),
  localizedText: Type.Object({ locale: Type.String(), message: Type.String() }),
  key: Type.String(),
  parameters: Type.Array(Type.Unknown()),
});
export type TaskMessage = Static<typeof TaskMessage>;

export const TaskProgress = Type.Object({
  total: Type.Integer(),
  processed: Type.Integer(),
  changed: Type.Integer(),
  failed: Type.Integer(),
});
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
    estimatedSecondsLeft: Nullable(Type.Integer({ description: 'Estimate from the rate so far (running tasks with progress)' })),
    result: Nullable(Type.Record(Type.String(), Type.Unknown())),
  },
  { description: 'Task status' },
);
export type TaskStatus = Static<typeof TaskStatus>;

/** `GET /<version>/task-status` filters (ISC's list: type, completionStatus; ours: target). */
export const TASK_FILTERS = {
  id: { type: 'string', ops: ['eq', 'in'] },
  type: { type: 'string', ops: ['eq', 'in'] },
  completionStatus: { type: 'string', ops: ['eq', 'in', 'isnull', 'pr'] },
  'target.id': { type: 'string', ops: ['eq', 'in'] },
  launched: { type: 'datetime', ops: ['gt', 'ge', 'lt', 'le'] },
} as const;
export const TASK_SORTERS = ['launched', 'completed', 'modified', 'type'] as const;
