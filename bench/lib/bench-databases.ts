import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { benchTables } from './bench-data';
import { ROOT_DIR } from './bench-modules';
import { loadPostgres, loadSqlite } from './data-loader';
import { BENCH_ADMIN } from './gateway-server';
import { runCommand } from './run-command';

/** Where the benchmark creates its PostgreSQL databases (trust auth as on CI). */
export const POSTGRES_SERVER =
  process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';

/** The databases of one data size, filled with the same rows. */
export interface BenchDatabases {
  rows: number;
  postgresUrl: string;
  sqliteUrl?: string;
  sqlitePath?: string;
  /** Seconds each load took, for the results. */
  loadSeconds: { postgres: number; sqlite?: number };
}

/** Runs a statement on a PostgreSQL database and gives its rows. */
export async function pgQuery<T = Record<string, unknown>>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

const gatewayCommand = (databaseUrl: string, args: string[]) =>
  runCommand(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: ROOT_DIR,
    env: { ...process.env, NODE_ENV: 'development', DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' },
  });

/** Migrates with the gateway's own migrations, then creates the admin the benchmark signs in as. */
async function migrate(databaseUrl: string): Promise<void> {
  await gatewayCommand(databaseUrl, ['migrate']);
}

async function createAdmin(databaseUrl: string): Promise<void> {
  await gatewayCommand(databaseUrl, [
    'create-admin',
    '--username',
    BENCH_ADMIN.username,
    '--password',
    BENCH_ADMIN.password,
  ]);
}

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

/**
 * Creates a fresh PostgreSQL database (and SQLite file) migrated by the gateway and fills
 * users, sessions and pages with `rows` rows each; the primary keys and unique indexes of the
 * schema are in place while the rows go in.
 */
export async function prepareDatabases(rows: number, withSqlite: boolean): Promise<BenchDatabases> {
  const name = `metabuilder_bench_${rows}`;
  const admin = `${POSTGRES_SERVER}/postgres`;
  await pgQuery(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await pgQuery(admin, `CREATE DATABASE ${name}`);
  const postgresUrl = `${POSTGRES_SERVER}/${name}`;
  const tables = benchTables(rows);

  await migrate(postgresUrl);
  let start = process.hrtime.bigint();
  await loadPostgres(postgresUrl, tables, rows);
  await pgQuery(postgresUrl, 'VACUUM ANALYZE');
  const loadSeconds: BenchDatabases['loadSeconds'] = { postgres: seconds(start) };
  await createAdmin(postgresUrl);
  if (!withSqlite) {
    return { rows, postgresUrl, loadSeconds };
  }

  const sqlitePath = join(tmpdir(), 'metabuilder-bench', `${name}.sqlite`);
  for (const suffix of ['', '-wal', '-shm']) {
    rmSync(`${sqlitePath}${suffix}`, { force: true });
  }
  const sqliteUrl = `sqlite:${sqlitePath}`;
  await migrate(sqliteUrl);
  start = process.hrtime.bigint();
  await loadSqlite(sqlitePath, tables, rows);
  loadSeconds.sqlite = seconds(start);
  await createAdmin(sqliteUrl);

  return { rows, postgresUrl, sqliteUrl, sqlitePath, loadSeconds };
}

/** Drops what `prepareDatabases` made. */
export async function dropDatabases(databases: BenchDatabases): Promise<void> {
  const name = databases.postgresUrl.split('/').pop();
  await pgQuery(`${POSTGRES_SERVER}/postgres`, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  if (databases.sqlitePath) {
    for (const suffix of ['', '-wal', '-shm']) {
      rmSync(`${databases.sqlitePath}${suffix}`, { force: true });
    }
  }
}
