import { EntitySchema } from 'typeorm';
import type { ColumnKit } from './column-types';

export const sessionEntity = (c: ColumnKit) =>
  new EntitySchema<Record<string, unknown>>({
    name: 'Session',
    tableName: 'Session',
    columns: {
      id: c.id({ primary: true }),
      userId: c.id(),
      token: c.string(128, { unique: true }),
      expiresAt: c.timestamp(),
      createdAt: c.timestamp(),
      lastActivity: c.timestamp({ nullable: true }),
      ipAddress: c.string(64, { nullable: true }),
      userAgent: c.string(512, { nullable: true }),
    },
    relations: {
      user: {
        type: 'many-to-one',
        target: 'User',
        joinColumn: { name: 'userId' },
        onDelete: 'CASCADE',
        inverseSide: 'sessions',
      },
    },
  });
