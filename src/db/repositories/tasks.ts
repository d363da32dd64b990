import { sql, type Kysely } from 'kysely';
import { TASK_FILTERS } from '../../domain/tasks/schema.js';
import { listPage, withColumns, type Listing } from './collection.js';
import type { TaskRecord, TaskRepository } from '../../domain/tasks/repository.js';
import type { DB, TaskRow } from '../types.js';

const toTask = (r: TaskRow): TaskRecord => ({
  id: r.id,
  type: r.type,
  name: r.name,
  description: r.description,
  launcher: r.launcher,
  target: (r.target ?? null) as TaskRecord['target'],
  launched: r.launched,
  completed: r.completed,
  completionStatus: r.completionStatus as TaskRecord['completionStatus'],
  progress: (r.progress ?? null) as TaskRecord['progress'],
  messages: (r.messages ?? []) as TaskRecord['messages'],
  result: (r.result ?? null) as TaskRecord['result'],
  modified: r.modified,
});

const LISTING: Listing = {
  fields: withColumns(TASK_FILTERS, {
    id: 't.id',
    type: 't.type',
    completionStatus: 't.completion_status',
    'target.id': 't.target_id',
    sourceId: 't.source_id',
    launcher: 't.launcher',
    launched: 't.launched',
  }),
  sortColumns: {
    launched: 't.launched',
    completed: 't.completed',
    modified: 't.modified',
    type: 't.type',
    created: 't.launched',
  },
  tiebreak: 't.id',
};

/** `jobSchema`: where the job queue (pg-boss) keeps its jobs, for telling a task with work behind it from an abandoned one. */
export function taskRepository(db: Kysely<DB>, jobSchema = 'pgboss', tenantId = 'default'): TaskRepository {
  /** Tasks with the target's id as a column, for filtering. */
  const view = () =>
    db.selectFrom(
      db
        .selectFrom('tasks')
        .selectAll()
        .select(sql<string | null>`target->>'id'`.as('targetId'))
        .select(sql<string | null>`case when target->>'type' = 'SOURCE' then target->>'id' end`.as('sourceId'))
        .where('tenantId', '=', tenantId)
        .as('t'),
    );
  return {
    ...taskChunkMethods(db),
    async list(query) {
      const { rows, total } = await listPage(query, LISTING, view().selectAll('t'), view());
      return { items: rows.map((r) => toTask(r as TaskRow)), total };
    },
    async countByState() {
      const rows = await db
        .selectFrom('tasks')
        .where('tenantId', '=', tenantId)
        .select([
          'type',
          sql<string>`coalesce(completion_status, 'Running')`.as('state'),
          (eb) => eb.fn.countAll<string>().as('count'),
        ])
        .groupBy(['type', sql`2`])
        .execute();
      return rows.map((r) => ({ type: r.type, state: r.state, count: Number(r.count) }));
    },
    async insert(t) {
      await db
        .insertInto('tasks')
        .values({
          id: t.id,
          tenantId,
          type: t.type,
          name: t.name,
          description: t.description,
          launcher: t.launcher,
          target: t.target ? JSON.stringify(t.target) : null,
          launched: t.launched,
          completed: t.completed,
          completionStatus: t.completionStatus,
          progress: t.progress ? JSON.stringify(t.progress) : null,
          messages: JSON.stringify(t.messages),
          result: t.result ? JSON.stringify(t.result) : null,
          modified: t.modified,
        })
        .execute();
    },
    async findById(id) {
      const row = await db
        .selectFrom('tasks')
        .selectAll()
        .where('id', '=', id)
        .where('tenantId', '=', tenantId)
        .executeTakeFirst();
      return row ? toTask(row) : undefined;
    },
    async updateProgress(id, progress) {
      await db
        .updateTable('tasks')
        .set({ progress: JSON.stringify(progress), modified: new Date() })
        .where('id', '=', id)
        .execute();
    },
    async complete(id, o) {
      await db
        .updateTable('tasks')
        .set({
          completed: o.completed,
          completionStatus: o.completionStatus,
          messages: JSON.stringify(o.messages),
          result: o.result ? JSON.stringify(o.result) : null,
          modified: o.completed,
        })
        .where('id', '=', id)
        .execute();
    },
    async touch(id) {
      await db
        .updateTable('tasks')
        .set({ modified: new Date() })
        .where('id', '=', id)
        .where('completed', 'is', null)
        .execute();
    },
    async failAbandoned(staleBefore, messages, otherwise) {
      // Work behind a task: a live job (queued, active or waiting for a retry; pg-boss's own table,
      // any queue — a dead-letter copy carries the payload too, and fails the task itself) of the
      // task, or of the load that created it and starts it once committed (its `processingTaskIds`).
      const noLiveJob = sql<boolean>`not exists (
        select 1 from ${sql.id(jobSchema, 'job')} j
        where j.state in ('created', 'retry', 'active')
          and (j.data->>'taskId' = tasks.id
            or exists (select 1 from tasks parent where parent.id = j.data->>'taskId' and parent.result->'processingTaskIds' @> jsonb_build_array(tasks.id))))`;
      const message = sql`coalesce(${JSON.stringify(messages)}::jsonb -> tasks.type, ${JSON.stringify(otherwise)}::jsonb)`;
      const rows = await db
        .updateTable('tasks')
        .set({
          completed: sql`now()`,
          completionStatus: 'Error',
          modified: sql`now()`,
          messages: sql`tasks.messages || jsonb_build_array(${message})`,
        })
        .where('tenantId', '=', tenantId)
        .where('completed', 'is', null)
        .where('modified', '<', staleBefore)
        .where(noLiveJob)
        .returning(['id', 'type'])
        .execute();
      return rows;
    },
  };
}

/** Chunk bookkeeping of chunked tasks (table `task_chunks`). */
export function taskChunkMethods(
  db: Kysely<DB>,
): Pick<
  TaskRepository,
  'createChunks' | 'lockChunk' | 'listChunks' | 'finishChunk' | 'chunkTotals' | 'chunkProgress' | 'lock' | 'setResult'
> {
  const toChunk = (r: {
    taskId: string;
    phase: string;
    chunkNo: number;
    firstId: string | null;
    lastId: string | null;
    done: boolean;
  }) => ({ taskId: r.taskId, phase: r.phase, chunkNo: r.chunkNo, firstId: r.firstId, lastId: r.lastId, done: r.done });
  return {
    async setResult(id, result) {
      await db
        .updateTable('tasks')
        .set({ result: JSON.stringify(result), modified: new Date() })
        .where('id', '=', id)
        .execute();
    },
    async lock(id) {
      const row = await db.selectFrom('tasks').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
      return row ? toTask(row) : undefined;
    },
    async createChunks(taskId, phase, bounds) {
      if (!bounds.length) return;
      await db
        .insertInto('taskChunks')
        .values(
          bounds.map((b, i) => ({
            taskId,
            phase,
            chunkNo: i,
            firstId: b.firstId,
            lastId: b.lastId,
            errors: '[]',
            summary: null,
          })),
        )
        .onConflict((oc) => oc.columns(['taskId', 'phase', 'chunkNo']).doNothing())
        .execute();
    },
    async lockChunk(taskId, phase, chunkNo) {
      const r = await db
        .selectFrom('taskChunks')
        .selectAll()
        .where('taskId', '=', taskId)
        .where('phase', '=', phase)
        .where('chunkNo', '=', chunkNo)
        .forUpdate()
        .executeTakeFirst();
      return r ? toChunk(r) : undefined;
    },
    async listChunks(taskId, phase) {
      return (
        await db
          .selectFrom('taskChunks')
          .selectAll()
          .where('taskId', '=', taskId)
          .where('phase', '=', phase)
          .orderBy('chunkNo')
          .execute()
      ).map(toChunk);
    },
    async finishChunk(taskId, phase, chunkNo, o) {
      await db
        .updateTable('taskChunks')
        .set({
          done: true,
          processed: o.processed,
          changed: o.changed,
          failed: o.failed,
          errors: JSON.stringify(o.errors),
          summary: o.summary === undefined ? null : JSON.stringify(o.summary),
        })
        .where('taskId', '=', taskId)
        .where('phase', '=', phase)
        .where('chunkNo', '=', chunkNo)
        .execute();
    },
    async chunkProgress(taskId) {
      const r = await sql<{ chunks: number; processed: number; changed: number; failed: number }>`
        select count(*)::int as chunks, coalesce(sum(processed) filter (where done), 0)::int as processed,
          coalesce(sum(changed) filter (where done), 0)::int as changed, coalesce(sum(failed) filter (where done), 0)::int as failed
        from task_chunks where task_id = ${taskId}`.execute(db);
      return r.rows[0];
    },
    async chunkTotals(taskId, maxErrors = 100) {
      const rows = await db
        .selectFrom('taskChunks')
        .selectAll()
        .where('taskId', '=', taskId)
        .orderBy('phase')
        .orderBy('chunkNo')
        .execute();
      const totals = {
        chunks: rows.length,
        done: 0,
        processed: 0,
        changed: 0,
        failed: 0,
        errors: [] as any[],
        summaries: [] as unknown[],
      };
      for (const r of rows) {
        if (!r.done) continue;
        totals.done++;
        totals.processed += r.processed;
        totals.changed += r.changed;
        totals.failed += r.failed;
        for (const e of r.errors as any[]) if (totals.errors.length < maxErrors) totals.errors.push(e);
        if (r.summary) totals.summaries.push(r.summary);
      }
      return totals;
    },
  };
}
