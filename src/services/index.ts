import { SessionService } from '../auth/session-service';
import type { Config } from '../config';
import type { Database } from '../db/database';
import type { Logger } from '../logger';
import type { EntityRegistry } from '../registry/entity-registry';
import { AuditService } from './audit-service';
import { EntityService } from './entity-service';
import { ImportService } from './import/import-service';

/** Everything a request can call, built once per process. */
export interface Services {
  config: Config;
  logger: Logger;
  db: Database;
  registry: EntityRegistry;
  audit: AuditService;
  entities: EntityService;
  sessions: SessionService;
  imports: ImportService;
}

export function createServices(
  config: Config,
  logger: Logger,
  db: Database,
  registry: EntityRegistry,
): Services {
  const audit = new AuditService(registry);
  const entities = new EntityService(db, registry, audit);
  const sessions = new SessionService(db, registry, entities, audit, config.sessionTtlHours);
  const imports = new ImportService(db, registry, audit, logger, config.maxUploadBytes);

  return { config, logger, db, registry, audit, entities, sessions, imports };
}
