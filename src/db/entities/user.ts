import { EntitySchema } from 'typeorm';
import type { ColumnKit } from './column-types';

export const userEntity = (c: ColumnKit) =>
  new EntitySchema<Record<string, unknown>>({
    name: 'User',
    tableName: 'User',
    columns: {
      id: c.id({ primary: true }),
      username: c.string(50, { unique: true }),
      email: c.string(255, { unique: true }),
      role: c.string(20, { default: 'user' }),
      profilePicture: c.string(2048, { nullable: true }),
      bio: c.text({ nullable: true }),
      createdAt: c.timestamp(),
      tenantId: c.string(100, { nullable: true }),
      isInstanceOwner: c.bool({ default: false }),
      passwordChangeTimestamp: c.timestamp({ nullable: true }),
      firstLogin: c.bool({ default: false }),
    },
    relations: {
      sessions: { type: 'one-to-many', target: 'Session', inverseSide: 'user' },
      credential: { type: 'one-to-one', target: 'Credential', inverseSide: 'user' },
      workflows: { type: 'one-to-many', target: 'Workflow', inverseSide: 'creator' },
    },
  });
