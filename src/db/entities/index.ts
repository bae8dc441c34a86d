import type { EntitySchema } from 'typeorm';
import type { DialectName } from '../../config';
import { auditLogEntity } from './audit-log';
import { columnKit } from './column-types';
import { componentConfigEntity } from './component-config';
import { componentNodeEntity } from './component-node';
import { credentialEntity } from './credential';
import { installedPackageEntity } from './installed-package';
import { packageDataEntity } from './package-data';
import { pageConfigEntity } from './page-config';
import { sessionEntity } from './session';
import { userEntity } from './user';
import { workflowEntity } from './workflow';

/** Every table of a MetaBuilder database, as TypeORM entity schemas for one dialect. */
export function entitySchemas(dialect: DialectName): EntitySchema[] {
  const c = columnKit(dialect);

  return [
    userEntity(c),
    sessionEntity(c),
    credentialEntity(c),
    pageConfigEntity(c),
    componentNodeEntity(c),
    componentConfigEntity(c),
    workflowEntity(c),
    installedPackageEntity(c),
    packageDataEntity(c),
    auditLogEntity(c),
  ];
}
