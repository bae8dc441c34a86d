import { EntitySchema } from 'typeorm';
import type { ColumnKit } from './column-types';

export const pageConfigEntity = (c: ColumnKit) =>
  new EntitySchema<Record<string, unknown>>({
    name: 'PageConfig',
    tableName: 'PageConfig',
    columns: {
      id: c.id({ primary: true }),
      tenantId: c.string(100, { nullable: true }),
      packageId: c.string(100, { nullable: true }),
      path: c.string(255),
      title: c.string(255),
      description: c.text({ nullable: true }),
      icon: c.string(255, { nullable: true }),
      component: c.string(255, { nullable: true }),
      componentTree: c.json(),
      level: c.int(),
      requiresAuth: c.bool(),
      requiredRole: c.string(50, { nullable: true }),
      parentPath: c.string(255, { nullable: true }),
      sortOrder: c.int({ default: 0 }),
      isPublished: c.bool({ default: true }),
      params: c.json({ nullable: true }),
      meta: c.json({ nullable: true }),
      createdAt: c.timestamp({ nullable: true }),
      updatedAt: c.timestamp({ nullable: true }),
    },
    relations: {
      nodes: { type: 'one-to-many', target: 'ComponentNode', inverseSide: 'page' },
    },
  });
