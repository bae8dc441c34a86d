import { EntitySchema } from 'typeorm';
import type { ColumnKit } from './column-types';

export const componentNodeEntity = (c: ColumnKit) =>
  new EntitySchema<Record<string, unknown>>({
    name: 'ComponentNode',
    tableName: 'ComponentNode',
    columns: {
      id: c.id({ primary: true }),
      pageId: c.id(),
      parentId: c.id({ nullable: true }),
      type: c.string(100),
      childIds: c.json(),
      order: c.int({ default: 0 }),
    },
    relations: {
      page: {
        type: 'many-to-one',
        target: 'PageConfig',
        joinColumn: { name: 'pageId' },
        onDelete: 'CASCADE',
        inverseSide: 'nodes',
      },
      parent: {
        type: 'many-to-one',
        target: 'ComponentNode',
        joinColumn: { name: 'parentId' },
        onDelete: 'CASCADE',
        inverseSide: 'children',
      },
      children: { type: 'one-to-many', target: 'ComponentNode', inverseSide: 'parent' },
      configs: { type: 'one-to-many', target: 'ComponentConfig', inverseSide: 'component' },
    },
  });
