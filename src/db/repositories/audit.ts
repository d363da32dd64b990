import type { Kysely } from 'kysely';
import type { AuditRepository } from '../../domain/audit/repository.js';
import type { DB } from '../types.js';

export function auditRepository(db: Kysely<DB>, tenantId = 'default'): AuditRepository {
  return {
    async record(e) {
      await db
        .insertInto('auditLog')
        .values({
          tenantId,
          entityType: e.entityType,
          entityId: e.entityId,
          action: e.action,
          actor: e.actor,
          detail: e.detail === undefined ? null : JSON.stringify(e.detail),
        })
        .execute();
    },
  };
}
