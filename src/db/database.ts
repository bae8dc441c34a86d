import type { DataSource, QueryRunner } from 'typeorm';
import type { Logger } from '../logger';
import { type Dialect, dialectFor } from './dialect';

export type Row = Record<string, unknown>;

/** Something SQL can be sent to: the database itself or an open transaction. */
export interface Queryable {
  readonly dialect: Dialect;
  query<T = Row>(sql: string, params?: unknown[]): Promise<T[]>;
}

/**
 * Serialises work on SQLite's single connection, so that a transaction never takes in a
 * stranger.
 */
class Mutex {
  private tail: Promise<void> = Promise.resolve();

  async run<T>(work: () => Promise<T>): Promise<T> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise((resolveNext) => (release = resolveNext));
    await previous;
    try {
      return await work();
    } finally {
      release();
    }
  }
}

class Transaction implements Queryable {
  constructor(
    readonly dialect: Dialect,
    private readonly runner: QueryRunner,
    private readonly onQuery: (sql: string) => void,
  ) {}

  async query<T = Row>(sql: string, params: unknown[] = []): Promise<T[]> {
    this.onQuery(sql);

    return (await this.runner.query(sql, params)) as T[];
  }
}

/**
 * The gateway's handle on its database: every SQL statement the services send passes through here,
 * which counts them (tests prove batching with the count) and logs them at debug level.
 */
export class Database implements Queryable {
  readonly dialect: Dialect;
  /** Statements sent since the process started or since `resetQueryCount`. */
  queryCount = 0;
  private readonly sqliteLock = new Mutex();

  constructor(
    readonly source: DataSource,
    private readonly logger?: Logger,
  ) {
    this.dialect = dialectFor(source.options.type === 'postgres' ? 'postgres' : 'sqlite');
  }

  private counted = (sql: string): void => {
    this.queryCount++;
    this.logger?.debug({ sql }, 'sql');
  };

  resetQueryCount(): void {
    this.queryCount = 0;
  }

  async query<T = Row>(sql: string, params: unknown[] = []): Promise<T[]> {
    const send = async () => {
      this.counted(sql);

      return (await this.source.query(sql, params)) as T[];
    };

    return this.dialect.name === 'sqlite' ? this.sqliteLock.run(send) : send();
  }

  /** Runs `work` in one transaction: committed when it returns, rolled back when it throws. */
  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    if (this.dialect.name === 'sqlite') {
      return this.sqliteLock.run(() => this.sqliteTransaction(work));
    }
    const runner = this.source.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    this.counted('BEGIN');
    try {
      const result = await work(new Transaction(this.dialect, runner, this.counted));
      await runner.commitTransaction();

      return result;
    } catch (error) {
      // When the connection broke, the server has rolled back already and the rollback fails
      // too; the first failure is the one to report.
      if (runner.isTransactionActive && !runner.isReleased) {
        await runner.rollbackTransaction().catch(() => undefined);
      }
      throw error;
    } finally {
      if (!runner.isReleased) {
        await runner.release();
      }
    }
  }

  /**
   * SQLite transactions begin IMMEDIATE: they take the write lock at BEGIN, where the busy
   * timeout waits for another process to let go of it. A deferred transaction that reads
   * first and writes later would instead fail at once with SQLITE_BUSY when another process
   * wrote in between, since SQLite cannot let it write on top of a snapshot gone stale.
   */
  private async sqliteTransaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    const runner = this.source.createQueryRunner();
    await runner.connect();
    await runner.query('BEGIN IMMEDIATE');
    this.counted('BEGIN');
    try {
      const result = await work(new Transaction(this.dialect, runner, this.counted));
      await runner.query('COMMIT');

      return result;
    } catch (error) {
      await runner.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  async close(): Promise<void> {
    if (this.source.isInitialized) {
      await this.source.destroy();
    }
  }
}
