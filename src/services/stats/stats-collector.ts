import type { DialectName } from '../../config';
import type { Database } from '../../db/database';
import type { EntityRegistry } from '../../registry/entity-registry';
import { type Actor, fromTable, recordCondition } from '../record-query';
import { SqlParams } from '../sql-params';
import type { DatabaseStats, TableStats } from './database-stats';
import type { DialectStatsReader, TableFigures } from './dialect-figures';
import { diskSpaceOf } from './disk-space';
import { assessHealth } from './health-thresholds';
import { readPostgresStats } from './postgres-stats';
import { readSqliteStats } from './sqlite-stats';

const READERS: Record<DialectName, DialectStatsReader> = {
  sqlite: readSqliteStats,
  postgres: readPostgresStats,
};

const NO_FIGURES: TableFigures = {
  tableBytes: null,
  indexBytes: null,
  totalBytes: null,
  lastVacuum: null,
  lastAnalyze: null,
};

/** The sum of the figures, or null when any of them is missing. */
function sumOrNull(values: Array<number | null>): number | null {
  return values.every((value) => value !== null)
    ? values.reduce<number>((sum, value) => sum + value, 0)
    : null;
}

/** The latest of the figures that exist, or null when none does. */
function latest(values: Array<number | null>): number | null {
  const known = values.filter((value): value is number => value !== null);

  return known.length > 0 ? Math.max(...known) : null;
}

/** Exact record counts of every entity type within the actor's tenant, in one statement. */
async function countRecords(
  db: Database,
  registry: EntityRegistry,
  actor: Actor,
): Promise<number[]> {
  const params = new SqlParams(db.dialect);
  const parts = registry.entities.map((entity, position) => {
    const where = recordCondition(registry, entity, actor, params, 't0', {});

    return (
      `SELECT ${position} AS "position", COUNT(*) AS "records" ` +
      `FROM ${fromTable(params, entity, 't0')} WHERE ${where}`
    );
  });
  const rows = await db.query<{ position: number; records: number }>(
    parts.join(' UNION ALL '),
    params.values,
  );
  const counts = registry.entities.map(() => 0);
  for (const row of rows) {
    counts[Number(row.position)] = Number(row.records);
  }

  return counts;
}

/**
 * Reads the statistics of the database afresh: the record counts of every entity type within the
 * actor's tenant, the dialect's own figures, the volume the data lives on, and the health checks.
 * The per-table list is always filled; the caller leaves it out when no details were asked for.
 */
export async function collectDatabaseStats(
  db: Database,
  registry: EntityRegistry,
  actor: Actor,
  options: { storage: boolean },
): Promise<DatabaseStats> {
  const collectedAt = Date.now();
  const names = registry.names;
  const counts = await countRecords(db, registry, actor);
  const figures = await READERS[db.dialect.name](db, names, options);
  const diskSpace = figures.dataPath ? await diskSpaceOf(figures.dataPath) : null;

  const tables: TableStats[] = names.map((name, position) => ({
    entityType: name,
    recordCount: counts[position],
    ...(figures.tables.get(name) ?? NO_FIGURES),
  }));
  const { health, checks } = assessHealth({
    diskFreePercent: diskSpace?.freePercent ?? null,
    activeConnections: figures.activeConnections,
    maxConnections: figures.maxConnections,
    cacheHitRatio: figures.cacheHitRatio,
    indexProblems: figures.indexIssues.map((issue) => issue.problem),
  });

  return {
    dialect: db.dialect.name,
    version: figures.version,
    totalTables: tables.length,
    totalRecords: counts.reduce((sum, count) => sum + count, 0),
    totalSizeBytes: sumOrNull(tables.map((table) => table.totalBytes)),
    databaseSizeBytes: figures.databaseSizeBytes,
    tables,
    health,
    healthChecks: checks,
    indexIssues: figures.indexIssues,
    activeConnections: figures.activeConnections,
    maxConnections: figures.maxConnections,
    cacheHitRatio: figures.cacheHitRatio,
    lastVacuum: latest(tables.map((table) => table.lastVacuum)),
    lastAnalyze: latest(tables.map((table) => table.lastAnalyze)),
    lastUpdated: figures.lastUpdated,
    collectedAt,
    diskSpace,
    sqlite: figures.sqlite,
  };
}
