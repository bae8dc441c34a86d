import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/database';
import type { EntityRegistry } from '../registry/entity-registry';
import type { Actor } from './record-query';
import { insertRecords } from './record-writer';

/** One line of the audit trail, as a service describes what it did. */
export interface AuditEntry {
  action: string;
  entityType?: string | null;
  entityId?: string | null;
  /** Counts, modes and filters; never a secret. */
  details?: Record<string, unknown> | null;
}

/**
 * Writes the audit log. Callers pass the transaction of the change they record, so that the
 * change and its audit row commit or roll back together.
 */
export class AuditService {
  constructor(private readonly registry: EntityRegistry) {}

  async record(q: Queryable, actor: Actor, entry: AuditEntry): Promise<void> {
    const entity = this.registry.get('AuditLog');
    await insertRecords(q, entity, [
      {
        id: randomUUID(),
        at: Date.now(),
        userId: actor.userId,
        action: entry.action,
        entityType: entry.entityType ?? null,
        entityId:
          entry.entityId === undefined || entry.entityId === null
            ? null
            : String(entry.entityId).slice(0, 100),
        ipAddress: actor.ipAddress ?? null,
        details: entry.details ?? null,
      },
    ]);
  }
}
