import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Queryable } from '../../db/database';
import type {
  DialectStatsReader,
  IndexIssue,
  SqliteFileFigures,
  TableFigures,
} from './dialect-figures';

/** How many problems an integrity check reports at most. */
const MAX_INTEGRITY_MESSAGES = 20;

interface FileRow {
  version: string;
  pageSize: number;
  pageCount: number;
  freePages: number;
  journalMode: string;
  file: string | null;
  hasDbstat: number;
}

interface BtreeRow {
  tableName: string;
  type: 'table' | 'index';
  bytes: number;
}

/** The latest modification time of the database file and its write-ahead log, in ms. */
async function lastWrite(file: string): Promise<number | null> {
  const times = await Promise.all(
    [file, `${file}-wal`].map((path) =>
      stat(path).then(
        (stats) => Math.floor(stats.mtimeMs),
        (error: NodeJS.ErrnoException) => {
          // Outside WAL mode there is no log file.
          if (error.code === 'ENOENT') {
            return null;
          }
          throw error;
        },
      ),
    ),
  );
  const known = times.filter((time): time is number => time !== null);

  return known.length > 0 ? Math.max(...known) : null;
}

/** Bytes per table and of its indexes, summed over the b-trees the dbstat table lists. */
async function btreeSizes(db: Queryable, tableNames: string[]): Promise<Map<string, TableFigures>> {
  const rows = await db.query<BtreeRow>(
    'SELECT s.tbl_name AS "tableName", s.type AS "type", SUM(d.pgsize) AS "bytes" ' +
      'FROM (SELECT name, pgsize FROM dbstat WHERE aggregate = TRUE) AS d ' +
      'JOIN sqlite_schema AS s ON s.name = d.name GROUP BY s.tbl_name, s.type',
  );
  const sizes = new Map<string, TableFigures>();
  for (const name of tableNames) {
    const bytesOf = (type: BtreeRow['type']) =>
      Number(rows.find((row) => row.tableName === name && row.type === type)?.bytes ?? 0);
    const tableBytes = bytesOf('table');
    const indexBytes = bytesOf('index');
    sizes.set(name, {
      tableBytes,
      indexBytes,
      totalBytes: tableBytes + indexBytes,
      lastVacuum: null,
      lastAnalyze: null,
    });
  }

  return sizes;
}

/**
 * SQLite's figures: the version, the file's pages and journal mode, an integrity check (the full
 * `integrity_check` when storage is asked for, which also proves every index matches its table,
 * else the cheaper `quick_check`) and, with storage, sizes from the dbstat virtual table when the
 * build has it. SQLite keeps no connection, cache or vacuum statistics, so those are null.
 */
export const readSqliteStats: DialectStatsReader = async (db, tableNames, { storage }) => {
  const [file] = await db.query<FileRow>(
    'SELECT sqlite_version() AS "version", ' +
      '(SELECT page_size FROM pragma_page_size) AS "pageSize", ' +
      '(SELECT page_count FROM pragma_page_count) AS "pageCount", ' +
      '(SELECT freelist_count FROM pragma_freelist_count) AS "freePages", ' +
      '(SELECT journal_mode FROM pragma_journal_mode) AS "journalMode", ' +
      `(SELECT file FROM pragma_database_list WHERE name = 'main') AS "file", ` +
      'EXISTS (SELECT 1 FROM pragma_compile_options ' +
      `WHERE compile_options = 'ENABLE_DBSTAT_VTAB') AS "hasDbstat"`,
  );

  const pragma = storage ? 'integrity_check' : 'quick_check';
  const messages = (
    await db.query<Record<string, string>>(`PRAGMA ${pragma}(${MAX_INTEGRITY_MESSAGES})`)
  ).map((row) => String(Object.values(row)[0]));
  const healthy = messages.length === 1 && messages[0] === 'ok';
  const indexIssues: IndexIssue[] = healthy
    ? []
    : messages.map((message) => ({ entityType: null, index: null, problem: 'INTEGRITY', message }));

  const tables =
    storage && file.hasDbstat ? await btreeSizes(db, tableNames) : new Map<string, TableFigures>();
  // An in-memory or temporary database has no file name.
  const path = file.file ? file.file : null;
  const sqlite: SqliteFileFigures = {
    pageSize: Number(file.pageSize),
    pageCount: Number(file.pageCount),
    freePages: Number(file.freePages),
    journalMode: file.journalMode,
    integrityCheckPragma: pragma,
    integrityCheck: messages.join('\n'),
  };

  return {
    version: file.version,
    activeConnections: null,
    maxConnections: null,
    cacheHitRatio: null,
    lastUpdated: path ? await lastWrite(path) : null,
    databaseSizeBytes: storage ? sqlite.pageCount * sqlite.pageSize : null,
    dataPath: path ? dirname(path) : null,
    tables,
    indexIssues,
    sqlite,
  };
};
