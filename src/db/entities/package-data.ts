import { EntitySchema } from 'typeorm';
import type { ColumnKit } from './column-types';

export const packageDataEntity = (c: ColumnKit) =>
  new EntitySchema<Record<string, unknown>>({
    name: 'PackageData',
    tableName: 'PackageData',
    columns: {
      packageId: c.string(100, { primary: true }),
      data: c.json(),
    },
    relations: {
      package: {
        type: 'one-to-one',
        target: 'InstalledPackage',
        joinColumn: { name: 'packageId' },
        onDelete: 'CASCADE',
        inverseSide: 'data',
      },
    },
  });
