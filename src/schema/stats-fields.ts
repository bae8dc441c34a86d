import type { DatabaseStats, TableStats } from '../services/stats/database-stats';
import type { IndexIssue, SqliteFileFigures } from '../services/stats/dialect-figures';
import type { DiskSpace } from '../services/stats/disk-space';
import { formatBytes } from '../services/stats/format-bytes';
import {
  type Health,
  HEALTH_THRESHOLDS,
  type HealthChecks,
  type IndexProblem,
} from '../services/stats/health-thresholds';
import { ADMIN, type Builder } from './builder';
import type { CommonTypes } from './common-types';

const MIN_ROWS = HEALTH_THRESHOLDS.unusedIndexMinRows.toLocaleString('en');

const orNull = (bytes: number | null) => (bytes === null ? null : formatBytes(bytes));

/** databaseStats: figures for an administrator's health dashboard, read from the database. */
export function addStatsFields(builder: Builder, common: CommonTypes) {
  const { SqlDialect } = common;

  const HealthRef = builder.enumType('Health', {
    description: 'How a figure stands against its thresholds.',
    values: {
      GOOD: { value: 'GOOD' as Health, description: 'Within every threshold.' },
      WARNING: { value: 'WARNING' as Health, description: 'Past a warning threshold.' },
      CRITICAL: { value: 'CRITICAL' as Health, description: 'Past a critical threshold.' },
    },
  });

  const IndexProblemRef = builder.enumType('IndexProblem', {
    description: 'What an index check found.',
    values: {
      UNUSED: {
        value: 'UNUSED' as IndexProblem,
        description: `Never scanned, on a table of at least ${MIN_ROWS} rows (PostgreSQL).`,
      },
      INVALID: {
        value: 'INVALID' as IndexProblem,
        description: 'Left invalid by a failed concurrent build or reindex (PostgreSQL).',
      },
      INTEGRITY: {
        value: 'INTEGRITY' as IndexProblem,
        description: 'Reported by the integrity check (SQLite).',
      },
    },
  });

  const HealthChecksRef = builder.objectRef<HealthChecks>('HealthChecks').implement({
    description:
      'One check per figure; null when there is no figure to check, which never makes the ' +
      'database unhealthy.',
    fields: (t) => ({
      diskSpace: t.field({
        type: HealthRef,
        nullable: true,
        description: 'Free space on the volume: WARNING under 20 %, CRITICAL under 10 %.',
        resolve: (c) => c.diskSpace,
      }),
      activeConnections: t.field({
        type: HealthRef,
        nullable: true,
        description: 'Connections in use: WARNING over 70 % of the maximum, CRITICAL over 90 %.',
        resolve: (c) => c.activeConnections,
      }),
      cacheHitRatio: t.field({
        type: HealthRef,
        nullable: true,
        description: 'Reads served from the cache: WARNING under 80 %, CRITICAL under 60 %.',
        resolve: (c) => c.cacheHitRatio,
      }),
      indexHealth: t.field({
        type: HealthRef,
        nullable: true,
        description:
          'WARNING for an unused index, CRITICAL for an invalid one or a failed integrity check.',
        resolve: (c) => c.indexHealth,
      }),
    }),
  });

  const IndexIssueRef = builder.objectRef<IndexIssue>('IndexIssue').implement({
    description: 'A problem the index check found.',
    fields: (t) => ({
      entityType: t.field({
        type: common.EntityType,
        nullable: true,
        description: 'The table of the index; null when the check does not say.',
        resolve: (i) => i.entityType,
      }),
      index: t.string({
        nullable: true,
        description: 'The index concerned; null for a check of the whole file.',
        resolve: (i) => i.index,
      }),
      problem: t.field({
        nullable: false,
        type: IndexProblemRef,
        description: 'What is wrong.',
        resolve: (i) => i.problem,
      }),
      message: t.exposeString('message', { nullable: false, description: 'The finding in words.' }),
    }),
  });

  const DiskSpaceRef = builder.objectRef<DiskSpace>('DiskSpace').implement({
    description: 'The volume that holds the database, as the operating system reports it.',
    fields: (t) => ({
      path: t.exposeString('path', {
        nullable: false,
        description:
          'The folder measured: that of the SQLite file or the PostgreSQL data directory.',
      }),
      totalBytes: t.exposeFloat('totalBytes', {
        nullable: false,
        description: 'Size of the volume in bytes.',
      }),
      total: t.string({
        nullable: false,
        description: 'totalBytes, readable (e.g. 250.0 GB).',
        resolve: (d) => formatBytes(d.totalBytes),
      }),
      freeBytes: t.exposeFloat('freeBytes', {
        nullable: false,
        description: 'Free, counting reserved blocks.',
      }),
      availableBytes: t.exposeFloat('availableBytes', {
        nullable: false,
        description: 'Free for an unprivileged process: what the database can still grow by.',
      }),
      available: t.string({
        nullable: false,
        description: 'availableBytes, readable.',
        resolve: (d) => formatBytes(d.availableBytes),
      }),
      freePercent: t.float({
        nullable: true,
        description: 'availableBytes as a percentage of totalBytes: the figure the check uses.',
        resolve: (d) => d.freePercent,
      }),
    }),
  });

  const SqliteStorageRef = builder.objectRef<SqliteFileFigures>('SqliteStorage').implement({
    description: 'The SQLite file, as its pragmas report it.',
    fields: (t) => ({
      pageSize: t.exposeInt('pageSize', { nullable: false, description: 'Bytes per page.' }),
      pageCount: t.exposeInt('pageCount', {
        nullable: false,
        description: 'Pages in the database.',
      }),
      freePages: t.exposeInt('freePages', {
        nullable: false,
        description: 'Unused pages that VACUUM would free.',
      }),
      journalMode: t.exposeString('journalMode', {
        nullable: false,
        description: 'The journal mode (wal, delete, ...).',
      }),
      integrityCheckPragma: t.exposeString('integrityCheckPragma', {
        nullable: false,
        description: 'integrity_check with storage: true (every index checked), else quick_check.',
      }),
      integrityCheck: t.exposeString('integrityCheck', {
        nullable: false,
        description: '`ok`, or up to 20 problems the check reported, one a line.',
      }),
    }),
  });

  const TableStatsRef = builder.objectRef<TableStats>('TableStats').implement({
    description:
      "One table. Sizes are of the whole table, whatever the caller's tenant, and are null " +
      'without storage: true (and on SQLite builds without the dbstat table).',
    fields: (t) => ({
      name: t.field({
        nullable: false,
        type: common.EntityType,
        description: 'The entity type (its table has the same name).',
        resolve: (s) => s.entityType,
      }),
      recordCount: t.exposeInt('recordCount', {
        nullable: false,
        description: "Exact count of records, within the caller's tenant.",
      }),
      sizeBytes: t.float({
        nullable: true,
        description: 'The rows (with TOAST on PostgreSQL), without the indexes.',
        resolve: (s) => s.tableBytes,
      }),
      size: t.string({
        nullable: true,
        description: 'The size of the table alone, readable.',
        resolve: (s) => orNull(s.tableBytes),
      }),
      indexSizeBytes: t.float({
        nullable: true,
        description: 'The size of its indexes in bytes; null without storage or a way to read it.',
        resolve: (s) => s.indexBytes,
      }),
      indexSize: t.string({
        nullable: true,
        description: 'indexSizeBytes, readable.',
        resolve: (s) => orNull(s.indexBytes),
      }),
      totalSizeBytes: t.float({
        nullable: true,
        description: 'The rows and the indexes together.',
        resolve: (s) => s.totalBytes,
      }),
      totalSize: t.string({
        nullable: true,
        description: 'Table and indexes together, readable.',
        resolve: (s) => orNull(s.totalBytes),
      }),
      lastVacuum: t.field({
        type: 'Timestamp',
        nullable: true,
        description: 'The later of the last VACUUM and autovacuum; null if never, and on SQLite.',
        resolve: (s) => s.lastVacuum,
      }),
      lastAnalyze: t.field({
        type: 'Timestamp',
        nullable: true,
        description: 'The later of the last ANALYZE and autoanalyze; null if never, and on SQLite.',
        resolve: (s) => s.lastAnalyze,
      }),
    }),
  });

  const DatabaseStatsRef = builder.objectRef<DatabaseStats>('DatabaseStats').implement({
    description:
      'Statistics of the database, each read from the database or the operating system; null ' +
      "where the dialect or the machine has no such figure. Counts are within the caller's " +
      'tenant; sizes, connections and disk space belong to the whole database.',
    fields: (t) => ({
      dialect: t.field({
        nullable: false,
        type: SqlDialect,
        description: 'The database the gateway administers.',
        resolve: (s) => (s.dialect === 'sqlite' ? 'SQLITE' : 'POSTGRES'),
      }),
      version: t.exposeString('version', {
        nullable: false,
        description: 'The server version (PostgreSQL) or library version (SQLite).',
      }),
      totalTables: t.exposeInt('totalTables', {
        nullable: false,
        description: 'Tables of the entity types.',
      }),
      totalRecords: t.exposeInt('totalRecords', {
        nullable: false,
        description: "Records in all those tables, within the caller's tenant.",
      }),
      totalSizeBytes: t.float({
        nullable: true,
        description: 'The tables and their indexes, summed; null without storage: true.',
        resolve: (s) => s.totalSizeBytes,
      }),
      totalSize: t.string({
        nullable: true,
        description: 'totalSizeBytes, readable (e.g. 3.2 MB).',
        resolve: (s) => orNull(s.totalSizeBytes),
      }),
      databaseSizeBytes: t.float({
        nullable: true,
        description:
          'The whole database with its catalog and free pages (pg_database_size, or page_count ' +
          'times page_size); null without storage: true.',
        resolve: (s) => s.databaseSizeBytes,
      }),
      databaseSize: t.string({
        nullable: true,
        description: 'databaseSizeBytes, readable.',
        resolve: (s) => orNull(s.databaseSizeBytes),
      }),
      tables: t.field({
        nullable: false,
        type: [TableStatsRef],
        description:
          'Every table in foreign-key order when detailed is true; an empty list when it is ' +
          'false (the totals are in totalTables, totalRecords and totalSize).',
        resolve: (s) => s.tables,
      }),
      health: t.field({
        nullable: false,
        type: HealthRef,
        description: 'The worst of the health checks; GOOD when none has a figure.',
        resolve: (s) => s.health,
      }),
      healthChecks: t.field({
        nullable: false,
        type: HealthChecksRef,
        description: 'Each check with its own verdict; null where its figure cannot be read.',
        resolve: (s) => s.healthChecks,
      }),
      indexIssues: t.field({
        nullable: false,
        type: [IndexIssueRef],
        description: 'What the index check found; empty when all is well.',
        resolve: (s) => s.indexIssues,
      }),
      activeConnections: t.int({
        nullable: true,
        description: 'Client connections open on the server, to any database; null on SQLite.',
        resolve: (s) => s.activeConnections,
      }),
      maxConnections: t.int({
        nullable: true,
        description: "The server's max_connections; null on SQLite.",
        resolve: (s) => s.maxConnections,
      }),
      cacheHitRatio: t.float({
        nullable: true,
        description:
          'Percent (0 to 100) of block reads of this database served from the buffer cache ' +
          'since its statistics were reset; null before any read, and on SQLite.',
        resolve: (s) => s.cacheHitRatio,
      }),
      lastVacuum: t.field({
        type: 'Timestamp',
        nullable: true,
        description: 'The latest VACUUM or autovacuum of any table; null if none, and on SQLite.',
        resolve: (s) => s.lastVacuum,
      }),
      lastAnalyze: t.field({
        type: 'Timestamp',
        nullable: true,
        description: 'The latest ANALYZE or autoanalyze of any table; null if none, and on SQLite.',
        resolve: (s) => s.lastAnalyze,
      }),
      lastUpdated: t.field({
        type: 'Timestamp',
        nullable: true,
        description:
          'The latest write the database recorded: the modification time of the SQLite file ' +
          "or its write-ahead log; on PostgreSQL the commit time of the server's latest " +
          'transaction, null unless track_commit_timestamp is on.',
        resolve: (s) => s.lastUpdated,
      }),
      collectedAt: t.field({
        nullable: false,
        type: 'Timestamp',
        description:
          'When these figures were read; a result is reused for 30 seconds per tenant ' +
          '(STATS_CACHE_SECONDS).',
        resolve: (s) => s.collectedAt,
      }),
      diskSpace: t.field({
        type: DiskSpaceRef,
        nullable: true,
        description:
          'The volume of the SQLite file, or of the PostgreSQL data directory when the server ' +
          'runs on this machine and this process can reach the folder; null otherwise.',
        resolve: (s) => s.diskSpace,
      }),
      sqlite: t.field({
        type: SqliteStorageRef,
        nullable: true,
        description: 'Figures of the SQLite file; null on PostgreSQL.',
        resolve: (s) => s.sqlite,
      }),
    }),
  });

  builder.queryField('databaseStats', (t) =>
    t.field({
      nullable: false,
      type: DatabaseStatsRef,
      authScopes: ADMIN,
      description: "Statistics and health of the database, for an administrator's dashboard.",
      args: {
        detailed: t.arg.boolean({
          defaultValue: false,
          description: 'Include the per-table list.',
        }),
        storage: t.arg.boolean({
          defaultValue: false,
          description:
            'Read sizes of tables, indexes and the database, and on SQLite run the full ' +
            'integrity_check; this reads every page of a SQLite file.',
        }),
      },
      resolve: (_root, args, ctx) =>
        ctx.services.stats.databaseStats(ctx.actor, {
          detailed: args.detailed ?? false,
          storage: args.storage ?? false,
        }),
    }),
  );

  return { SqlDialect, Health: HealthRef };
}
