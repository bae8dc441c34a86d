import type { Queryable } from '../../db/database';
import type { IndexProblem } from './health-thresholds';

/** What a dialect knows of one table besides its record count; null where it has no figure. */
export interface TableFigures {
  /** Bytes of the table's rows (with TOAST on PostgreSQL), without its indexes. */
  tableBytes: number | null;
  indexBytes: number | null;
  totalBytes: number | null;
  /** The later of the last manual and automatic VACUUM, in ms. */
  lastVacuum: number | null;
  /** The later of the last manual and automatic ANALYZE, in ms. */
  lastAnalyze: number | null;
}

/** A problem the index check found, with the entity type and index where they are known. */
export interface IndexIssue {
  entityType: string | null;
  index: string | null;
  problem: IndexProblem;
  message: string;
}

/** Figures of a SQLite database file, read through its pragmas. */
export interface SqliteFileFigures {
  pageSize: number;
  pageCount: number;
  freePages: number;
  journalMode: string;
  /** `quick_check` or `integrity_check`: the pragma whose result `integrityCheck` holds. */
  integrityCheckPragma: string;
  /** `ok`, or the problems the check reported, one a line. */
  integrityCheck: string;
}

/** What one dialect reads about the database itself: everything but the record counts. */
export interface DialectFigures {
  version: string;
  activeConnections: number | null;
  maxConnections: number | null;
  /** Percent of block reads served from the cache, 0 to 100; null before any read. */
  cacheHitRatio: number | null;
  /** When the database last recorded a write, in ms. */
  lastUpdated: number | null;
  /** The whole database as the dialect measures it; read only when storage was asked for. */
  databaseSizeBytes: number | null;
  /** A folder on the volume that holds the data, when this process can reach it. */
  dataPath: string | null;
  /** Figures per table name; a table missing here has null figures. */
  tables: Map<string, TableFigures>;
  /** What the dialect's index check found; empty when all is well. */
  indexIssues: IndexIssue[];
  /** Null on PostgreSQL. */
  sqlite: SqliteFileFigures | null;
}

export interface DialectReadOptions {
  /** Read sizes too, which on SQLite means reading every page. */
  storage: boolean;
}

/** Reads a dialect's figures for the named tables. */
export type DialectStatsReader = (
  db: Queryable,
  tableNames: string[],
  options: DialectReadOptions,
) => Promise<DialectFigures>;
