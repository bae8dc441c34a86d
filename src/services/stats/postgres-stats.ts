import type { Queryable } from '../../db/database';
import type { DialectStatsReader, IndexIssue, TableFigures } from './dialect-figures';
import { HEALTH_THRESHOLDS } from './health-thresholds';

interface ServerRow {
  version: string;
  maxConnections: number;
  activeConnections: number;
  blocksHit: number | null;
  blocksRead: number | null;
  dataDirectory: string | null;
  localServer: boolean;
  commitTimestamps: boolean;
  databaseBytes: number | null;
}

interface TableRow {
  tableName: string;
  tableBytes?: number;
  indexBytes?: number;
  totalBytes?: number;
  lastVacuum: number | null;
  lastAnalyze: number | null;
}

interface IndexRow {
  tableName: string;
  indexName: string;
  valid: boolean;
  scans: number;
  rows: number;
}

/** A timestamptz expression as whole milliseconds since the epoch. */
const millis = (expression: string) => `FLOOR(EXTRACT(EPOCH FROM ${expression}) * 1000)::bigint`;

/** The server's own figures, and the database's size when storage is asked for. */
function readServer(db: Queryable, storage: boolean): Promise<ServerRow[]> {
  return db.query<ServerRow>(
    `SELECT current_setting('server_version') AS "version", ` +
      `current_setting('max_connections')::int AS "maxConnections", ` +
      // Every client connection counts against max_connections, whichever database it uses.
      `(SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend') ` +
      `AS "activeConnections", ` +
      'd.blks_hit AS "blocksHit", d.blks_read AS "blocksRead", ' +
      // pg_settings hides the data directory from roles that may not read it.
      `(SELECT setting FROM pg_settings WHERE name = 'data_directory') AS "dataDirectory", ` +
      `COALESCE(inet_server_addr() <<= '127.0.0.0/8'::inet ` +
      `OR inet_server_addr() = '::1'::inet, TRUE) AS "localServer", ` +
      `current_setting('track_commit_timestamp') = 'on' AS "commitTimestamps", ` +
      `${storage ? 'pg_database_size(current_database())' : 'NULL::bigint'} AS "databaseBytes" ` +
      'FROM pg_stat_database AS d WHERE d.datname = current_database()',
  );
}

/** Sizes (with storage) and the latest VACUUM and ANALYZE, manual or automatic, per table. */
async function readTables(
  db: Queryable,
  tableNames: string[],
  storage: boolean,
): Promise<Map<string, TableFigures>> {
  const sizes = storage
    ? 'pg_table_size(c.oid) AS "tableBytes", pg_indexes_size(c.oid) AS "indexBytes", ' +
      'pg_total_relation_size(c.oid) AS "totalBytes", '
    : '';
  const rows = await db.query<TableRow>(
    `SELECT c.relname AS "tableName", ${sizes}` +
      `${millis('GREATEST(s.last_vacuum, s.last_autovacuum)')} AS "lastVacuum", ` +
      `${millis('GREATEST(s.last_analyze, s.last_autoanalyze)')} AS "lastAnalyze" ` +
      'FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace ' +
      'LEFT JOIN pg_stat_user_tables AS s ON s.relid = c.oid ' +
      `WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND c.relname = ANY($1)`,
    [tableNames],
  );

  return new Map(
    rows.map((row) => [
      row.tableName,
      {
        tableBytes: row.tableBytes ?? null,
        indexBytes: row.indexBytes ?? null,
        totalBytes: row.totalBytes ?? null,
        lastVacuum: row.lastVacuum,
        lastAnalyze: row.lastAnalyze,
      },
    ]),
  );
}

/**
 * Invalid indexes (left by a failed concurrent build or reindex) and indexes never scanned on
 * tables with many rows. Indexes behind primary keys and unique constraints enforce a rule, so
 * they are never called unused.
 */
async function readIndexIssues(db: Queryable, tableNames: string[]): Promise<IndexIssue[]> {
  const minRows = HEALTH_THRESHOLDS.unusedIndexMinRows;
  const rows = await db.query<IndexRow>(
    'SELECT t.relname AS "tableName", i.relname AS "indexName", x.indisvalid AS "valid", ' +
      'COALESCE(s.idx_scan, 0) AS "scans", COALESCE(st.n_live_tup, 0) AS "rows" ' +
      'FROM pg_index AS x JOIN pg_class AS i ON i.oid = x.indexrelid ' +
      'JOIN pg_class AS t ON t.oid = x.indrelid JOIN pg_namespace AS n ON n.oid = t.relnamespace ' +
      'LEFT JOIN pg_stat_user_indexes AS s ON s.indexrelid = x.indexrelid ' +
      'LEFT JOIN pg_stat_user_tables AS st ON st.relid = t.oid ' +
      'WHERE n.nspname = current_schema() AND t.relname = ANY($1) AND (NOT x.indisvalid OR ' +
      '(NOT x.indisunique AND NOT x.indisprimary AND COALESCE(s.idx_scan, 0) = 0 ' +
      'AND COALESCE(st.n_live_tup, 0) >= $2)) ORDER BY t.relname, i.relname',
    [tableNames, minRows],
  );

  return rows.map((row): IndexIssue => {
    const where = `Index "${row.indexName}" on "${row.tableName}"`;

    return row.valid
      ? {
          entityType: row.tableName,
          index: row.indexName,
          problem: 'UNUSED',
          message: `${where} has not been scanned since statistics were last reset, on a table of about ${row.rows} rows`,
        }
      : {
          entityType: row.tableName,
          index: row.indexName,
          problem: 'INVALID',
          message: `${where} is invalid (a failed concurrent build or reindex); rebuild it with REINDEX`,
        };
  });
}

/** The commit time of the server's latest transaction, when the server records commit times. */
async function lastCommit(db: Queryable): Promise<number | null> {
  const [row] = await db.query<{ at: number | null }>(
    `SELECT ${millis('"timestamp"')} AS "at" FROM pg_last_committed_xact()`,
  );

  return row?.at ?? null;
}

/**
 * PostgreSQL's figures, all from its catalog and statistics views: the server version,
 * connections against max_connections, the cache hit ratio of this database since its statistics
 * were reset, vacuum and analyze times, index health and, with storage, sizes of every table and
 * its indexes. The data directory's volume is measured when the server runs on this machine.
 */
export const readPostgresStats: DialectStatsReader = async (db, tableNames, { storage }) => {
  const [server] = await readServer(db, storage);
  const tables = await readTables(db, tableNames, storage);
  const indexIssues = await readIndexIssues(db, tableNames);
  const blocks = Number(server.blocksHit ?? 0) + Number(server.blocksRead ?? 0);

  return {
    version: server.version,
    activeConnections: Number(server.activeConnections),
    maxConnections: Number(server.maxConnections),
    cacheHitRatio: blocks > 0 ? (Number(server.blocksHit) / blocks) * 100 : null,
    lastUpdated: server.commitTimestamps ? await lastCommit(db) : null,
    databaseSizeBytes: server.databaseBytes,
    dataPath: server.localServer ? server.dataDirectory : null,
    tables,
    indexIssues,
    sqlite: null,
  };
};
