import type { DialectName } from '../../config';
import type { IndexIssue, SqliteFileFigures, TableFigures } from './dialect-figures';
import type { DiskSpace } from './disk-space';
import type { Health, HealthChecks } from './health-thresholds';

/** One table: its exact record count within the caller's tenant, and what the dialect knows. */
export interface TableStats extends TableFigures {
  entityType: string;
  recordCount: number;
}

/**
 * Statistics of the database, every figure read from the database or the operating system;
 * null where the dialect or the machine has none. Counts are within the caller's tenant; sizes,
 * connections and the volume are the database's own, since tenants share them.
 */
export interface DatabaseStats {
  dialect: DialectName;
  version: string;
  totalTables: number;
  totalRecords: number;
  /** The tables and their indexes, summed; null without storage or without table sizes. */
  totalSizeBytes: number | null;
  /** The whole database, catalog and free pages included; null without storage. */
  databaseSizeBytes: number | null;
  /** Every table, in foreign-key order; empty unless the details were asked for. */
  tables: TableStats[];
  health: Health;
  healthChecks: HealthChecks;
  indexIssues: IndexIssue[];
  activeConnections: number | null;
  maxConnections: number | null;
  cacheHitRatio: number | null;
  lastVacuum: number | null;
  lastAnalyze: number | null;
  lastUpdated: number | null;
  /** When these figures were read, in ms; later than the request when they came from the cache. */
  collectedAt: number;
  diskSpace: DiskSpace | null;
  sqlite: SqliteFileFigures | null;
}
