import { EntitySchema } from 'typeorm';
import type { ColumnKit } from './column-types';

export const auditLogEntity = (c: ColumnKit) =>
  new EntitySchema<Record<string, unknown>>({
    name: 'AuditLog',
    tableName: 'AuditLog',
    columns: {
      id: c.id({ primary: true }),
      at: c.timestamp(),
      userId: c.id({ nullable: true }),
      action: c.string(50),
      entityType: c.string(50, { nullable: true }),
      entityId: c.string(100, { nullable: true }),
      ipAddress: c.string(64, { nullable: true }),
      details: c.json({ nullable: true }),
    },
  });
