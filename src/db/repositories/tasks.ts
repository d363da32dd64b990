import type { Kysely } from 'kysely';
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

export function taskRepository(db: Kysely<DB>, tenantId = 'default'): TaskRepository {
  return {
    async insert(t) {
      await db.insertInto('tasks').values({
        id: t.id, tenantId, type: t.type, name: t.name, description: t.description, launcher: t.launcher,
        target: t.target ? JSON.stringify(t.target) : null, launched: t.launched, completed: t.completed,
        completionStatus: t.completionStatus, progress: t.progress ? JSON.stringify(t.progress) : null,
        messages: JSON.stringify(t.messages), result: t.result ? JSON.stringify(t.result) : null, modified: t.modified,
      }).execute();
    },
    async findById(id) {
      const row = await db.selectFrom('tasks').selectAll().where('id', '=', id).where('tenantId', '=', tenantId).executeTakeFirst();
      return row ? toTask(row) : undefined;
    },
    async updateProgress(id, progress) {
      await db.updateTable('tasks').set({ progress: JSON.stringify(progress), modified: new Date() }).where('id', '=', id).execute();
    },
    async complete(id, o) {
      await db.updateTable('tasks').set({
        completed: o.completed, completionStatus: o.completionStatus, messages: JSON.stringify(o.messages),
        result: o.result ? JSON.stringify(o.result) : null, modified: o.completed,
      }).where('id', '=', id).execute();
    },
    async failUnfinished(olderThan, message) {
      const r = await db.updateTable('tasks').set({
        completed: new Date(), completionStatus: 'Error', messages: JSON.stringify([message]), modified: new Date(),
      }).where('completed', 'is', null).where('launched', '<', olderThan).executeTakeFirst();
      return Number(r.numUpdatedRows);
    },
  };
}
