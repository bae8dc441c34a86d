import sqlite3 from 'sqlite3';
import type { Database, Queryable, Row } from './database';

/** A database file's own read connection, queried inside one read transaction. */
class SqliteReader implements Queryable {
  constructor(
    readonly dialect: Database['dialect'],
    private readonly connection: sqlite3.Database,
  ) {}

  static open(db: Database, path: string): Promise<SqliteReader> {
    return new Promise((resolve, reject) => {
      const connection = new sqlite3.Database(path, sqlite3.OPEN_READONLY, (error) =>
        error ? reject(error) : resolve(new SqliteReader(db.dialect, connection)),
      );
    });
  }

  query<T = Row>(sql: string, params: unknown[] = []): Promise<T[]> {
    return new Promise((resolve, reject) => {
      this.connection.all(sql, params, (error, rows) =>
        error ? reject(error) : resolve(rows as T[]),
      );
    });
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.connection.close((error) => (error ? reject(error) : resolve()));
    });
  }
}

/**
 * Runs `work` on one consistent view of the database that concurrent writes do not change, without
 * holding up those writes: a REPEATABLE READ, READ ONLY transaction on PostgreSQL; on a SQLite file
 * a read transaction on a connection of its own (the file is in WAL mode, so writers go on). An
 * in-memory SQLite database has a single connection and is read inside an ordinary transaction.
 */
export async function withReadSnapshot<T>(
  db: Database,
  work: (q: Queryable) => Promise<T>,
): Promise<T> {
  if (db.dialect.name === 'postgres') {
    return db.transaction(async (tx) => {
      await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');

      return work(tx);
    });
  }

  const path = String(db.source.options.database);
  if (path === ':memory:') {
    return db.transaction(work);
  }
  const reader = await SqliteReader.open(db, path);
  try {
    await reader.query('PRAGMA busy_timeout = 10000');
    await reader.query('BEGIN');
    try {
      return await work(reader);
    } finally {
      await reader.query('COMMIT');
    }
  } finally {
    await reader.close();
  }
}
