import { EntitySchema } from 'typeorm';
import type { ColumnKit } from './column-types';

export const installedPackageEntity = (c: ColumnKit) =>
  new EntitySchema<Record<string, unknown>>({
    name: 'InstalledPackage',
    tableName: 'InstalledPackage',
    columns: {
      packageId: c.string(100, { primary: true }),
      tenantId: c.string(100, { nullable: true }),
      version: c.string(50),
      enabled: c.bool({ default: true }),
      config: c.json({ default: '{}' }),
      installedAt: c.timestamp(),
    },
    relations: {
      data: { type: 'one-to-one', target: 'PackageData', inverseSide: 'package' },
    },
  });
