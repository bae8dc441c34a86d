import { SessionService } from '../auth/session-service';
import type { Config } from '../config';
import type { Database } from '../db/database';
import type { Logger } from '../logger';
import type { EntityRegistry } from '../registry/entity-registry';
import { AuditService } from './audit-service';
import { EntityService } from './entity-service';
import { StatsService } from './stats/stats-service';
import { ExportService } from './export/export-service';
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
  stats: StatsService;
  exports: ExportService;
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
  const stats = new StatsService(db, registry, config.statsCacheSeconds, logger);
  const exports = new ExportService(db, registry, audit, logger);
  const imports = new ImportService(db, registry, audit, logger, config.maxUploadBytes);

  return { config, logger, db, registry, audit, entities, sessions, stats, exports, imports };
}
