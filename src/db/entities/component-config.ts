import { EntitySchema } from 'typeorm';
import type { ColumnKit } from './column-types';

export const componentConfigEntity = (c: ColumnKit) =>
  new EntitySchema<Record<string, unknown>>({
    name: 'ComponentConfig',
    tableName: 'ComponentConfig',
    columns: {
      id: c.id({ primary: true }),
      componentId: c.id(),
      props: c.json({ default: '{}' }),
      styles: c.json({ default: '{}' }),
      events: c.json({ default: '{}' }),
      conditionalRendering: c.json({ nullable: true }),
    },
    relations: {
      component: {
        type: 'many-to-one',
        target: 'ComponentNode',
        joinColumn: { name: 'componentId' },
        onDelete: 'CASCADE',
        inverseSide: 'configs',
      },
    },
  });
