/** Append-only record of every change (who, when, what). */
export interface AuditEntry {
  entityType: string;
  entityId: string;
  action: 'create' | 'update' | 'delete' | 'import';
  actor: string;
  detail?: unknown;
}

export interface AuditRepository {
  record(entry: AuditEntry): Promise<void>;
}
