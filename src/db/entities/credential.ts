import { EntitySchema } from 'typeorm';
import type { ColumnKit } from './column-types';

export const credentialEntity = (c: ColumnKit) =>
  new EntitySchema<Record<string, unknown>>({
    name: 'Credential',
    tableName: 'Credential',
    columns: {
      id: c.id({ primary: true }),
      username: c.string(50, { unique: true }),
      passwordHash: c.string(255),
      firstLogin: c.bool({ default: true }),
      createdAt: c.timestamp(),
      updatedAt: c.timestamp({ nullable: true }),
    },
    relations: {
      user: {
        type: 'one-to-one',
        target: 'User',
        joinColumn: { name: 'username', referencedColumnName: 'username' },
        onDelete: 'CASCADE',
        onUpdate: 'CASCADE',
        inverseSide: 'credential',
      },
    },
  });
