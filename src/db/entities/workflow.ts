import { EntitySchema } from 'typeorm';
import type { ColumnKit } from './column-types';

export const workflowEntity = (c: ColumnKit) =>
  new EntitySchema<Record<string, unknown>>({
    name: 'Workflow',
    tableName: 'Workflow',
    columns: {
      id: c.id({ primary: true }),
      tenantId: c.string(100, { nullable: true }),
      name: c.string(255),
      description: c.text({ nullable: true }),
      nodes: c.json(),
      edges: c.json(),
      enabled: c.bool({ default: true }),
      version: c.int({ default: 1 }),
      createdAt: c.timestamp({ nullable: true }),
      updatedAt: c.timestamp({ nullable: true }),
      createdBy: c.id({ nullable: true }),
    },
    relations: {
      creator: {
        type: 'many-to-one',
        target: 'User',
        joinColumn: { name: 'createdBy' },
        onDelete: 'SET NULL',
        inverseSide: 'workflows',
      },
    },
  });
