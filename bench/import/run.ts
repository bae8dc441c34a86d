/**
 * Import benchmark: generated User rows as JSON and as SQL, imported by the gateway's command
 * line into an empty migrated PostgreSQL and SQLite database, side by side in the same run with
 * the tools of each database reading the same files: `psql -1 -f` of the SQL file,
 * `psql -c "\copy … csv"` of the same rows as CSV, and the `sqlite3` shell reading the SQL file.
 *
 *   npm run bench:import -- --rows 100000 [--runs 1] [--only sqlite|postgres]
 *
 * Each measurement runs in a fresh process under /usr/bin/time, which gives the wall time and the
 * peak resident memory. Prints a markdown table.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import pg from 'pg';
import { USER_COLUMNS } from '../lib/bench-data';
import { writeCsv, writeJson, writeSql } from './generate-users';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..', '..');
const PG_SERVER = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
const PSQL_FILE = 'psql -1 -f users.sql';
const PSQL_COPY = 'psql \\copy users.csv';
const SQLITE_READ = 'sqlite3 .read users.sql';

interface Measurement {
  dialect: 'postgres' | 'sqlite';
  tool: string;
  seconds: number;
  /** The import's own duration as the gateway logs it, without process start-up. */
  importSeconds: number | null;
  peakMb: number;
  rows: number;
}

/** Runs a command under /usr/bin/time; returns its output, wall seconds and peak memory. */
async function timed(command: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const { stdout, stderr } = await run('/usr/bin/time', ['-f', 'BENCH %e %M', command, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    maxBuffer: 1 << 26,
  });
  const match = /BENCH ([\d.]+) (\d+)\s*$/.exec(stderr);
  if (!match) {
    throw new Error(`no timing in the output of ${command}: ${stderr.slice(-500)}`);
  }

  return { stdout, stderr, seconds: Number(match[1]), peakMb: Number(match[2]) / 1024 };
}

/** A fresh, migrated, empty database of the dialect; returns its URL and a way to drop it. */
async function emptyDatabase(dialect: 'postgres' | 'sqlite', dir: string, name: string) {
  let url: string;
  let drop: () => Promise<void>;
  if (dialect === 'postgres') {
    const database = `mb_bench_import_${process.pid}_${name}`;
    const admin = new pg.Client({ connectionString: `${PG_SERVER}/postgres` });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${database}"`);
    await admin.query(`CREATE DATABASE "${database}"`);
    await admin.end();
    url = `${PG_SERVER}/${database}`;
    drop = async () => {
      const client = new pg.Client({ connectionString: `${PG_SERVER}/postgres` });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await client.end();
    };
  } else {
    const path = join(dir, `${name}.sqlite`);
    url = `sqlite:${path}`;
    drop = async () => {
      for (const suffix of ['', '-wal', '-shm']) {
        rmSync(`${path}${suffix}`, { force: true });
      }
    };
  }
  await run(process.execPath, ['--import', 'tsx', 'src/main.ts', 'migrate'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'silent' },
  });

  return { url, drop };
}

async function countUsers(dialect: 'postgres' | 'sqlite', url: string): Promise<number> {
  if (dialect === 'postgres') {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query('SELECT COUNT(*)::int AS n FROM "User"');
    await client.end();

    return rows[0].n;
  }
  const { stdout } = await run('sqlite3', [
    url.slice('sqlite:'.length),
    'SELECT COUNT(*) FROM "User"',
  ]);

  return Number(stdout.trim());
}

/** One import into a fresh database, checked for its row count. */
async function measure(
  dialect: 'postgres' | 'sqlite',
  tool: string,
  rows: number,
  dir: string,
  command: (url: string) => Promise<Awaited<ReturnType<typeof timed>>>,
): Promise<Measurement> {
  const database = await emptyDatabase(dialect, dir, tool.replace(/\W+/g, '_').toLowerCase());
  try {
    const result = await command(database.url);
    const stored = await countUsers(dialect, database.url);
    if (stored !== rows) {
      throw new Error(`${tool} on ${dialect} stored ${stored} of ${rows} rows: ${result.stdout}`);
    }
    const logged = /"ms":(\d+)/.exec(result.stdout);

    return {
      dialect,
      tool,
      rows,
      seconds: result.seconds,
      importSeconds: logged ? Number(logged[1]) / 1000 : null,
      peakMb: result.peakMb,
    };
  } finally {
    await database.drop();
  }
}

function gatewayImport(file: string) {
  return (url: string) =>
    timed(process.execPath, ['--import', 'tsx', 'src/main.ts', 'import', file], {
      DATABASE_URL: url,
      LOG_LEVEL: 'info',
    });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);

  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The median of the runs of each tool: a shared machine slows single runs down at random. */
function summarize(measurements: Measurement[]): Measurement[] {
  const groups = new Map<string, Measurement[]>();
  for (const m of measurements) {
    const key = `${m.dialect} ${m.tool}`;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }

  return [...groups.values()].map((runs) => ({
    ...runs[0],
    seconds: median(runs.map((m) => m.seconds)),
    importSeconds:
      runs[0].importSeconds === null ? null : median(runs.map((m) => m.importSeconds!)),
    peakMb: Math.max(...runs.map((m) => m.peakMb)),
  }));
}

function table(all: Measurement[], runs: number): string {
  const measurements = summarize(all);
  const find = (dialect: string, tool: string) =>
    measurements.find((m) => m.dialect === dialect && m.tool === tool);
  const sqlTool = (m: Measurement) =>
    m.dialect === 'postgres' ? find('postgres', PSQL_FILE) : find('sqlite', SQLITE_READ);
  const copy = find('postgres', PSQL_COPY);
  const lines = [
    `Median of ${runs} run${runs === 1 ? '' : 's'}; "import s" is the import as the gateway logs ` +
      'it, without the start of the process; ratios divide it by the wall time of the tool.',
    '',
    '| database | tool | rows | wall s | import s | rows/s | ÷ SQL tool | ÷ \\copy | peak MB |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const m of measurements) {
    const seconds = m.importSeconds ?? m.seconds;
    const gateway = m.tool.startsWith('gateway');
    const ratio = (other?: Measurement) =>
      other && gateway ? (seconds / other.seconds).toFixed(2) : '';
    lines.push(
      `| ${m.dialect} | ${m.tool} | ${m.rows} | ${m.seconds.toFixed(2)} | ` +
        `${m.importSeconds === null ? '' : m.importSeconds.toFixed(2)} | ` +
        `${Math.round(m.rows / seconds)} | ${ratio(sqlTool(m))} | ` +
        `${m.dialect === 'postgres' ? ratio(copy) : ''} | ${m.peakMb.toFixed(0)} |`,
    );
  }

  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '100000' },
      runs: { type: 'string', default: '1' },
      only: { type: 'string' },
    },
  });
  const rows = Number(values.rows);
  const dir = mkdtempSync(join(tmpdir(), 'mb-bench-import-'));
  try {
    const files = {
      json: join(dir, 'users.json'),
      sql: join(dir, 'users.sql'),
      csv: join(dir, 'users.csv'),
    };
    await writeJson(files.json, rows);
    await writeSql(files.sql, rows);
    await writeCsv(files.csv, rows);
    const mb = (path: string) => (statSync(path).size / 1e6).toFixed(1);
    process.stderr.write(
      `${rows} users: JSON ${mb(files.json)} MB, SQL ${mb(files.sql)} MB, CSV ${mb(files.csv)} MB\n`,
    );

    const measurements: Measurement[] = [];
    const add = async (promise: Promise<Measurement>) => {
      const m = await promise;
      process.stderr.write(`${m.dialect} ${m.tool}: ${m.seconds} s, ${m.peakMb.toFixed(0)} MB\n`);
      measurements.push(m);
    };
    const columns = USER_COLUMNS.map((c) => `"${c}"`).join(', ');
    const copySql = `\\copy "User" (${columns}) FROM '${files.csv}' csv header`;
    for (let i = 0; i < Number(values.runs); i++) {
      // The reference and the gateway alternate, so that a busy moment of the machine does not
      // land on one of them only.
      if (values.only !== 'sqlite') {
        await add(
          measure('postgres', PSQL_FILE, rows, dir, (url) =>
            timed('psql', ['-q', '-1', '-v', 'ON_ERROR_STOP=1', '-f', files.sql, url]),
          ),
        );
        await add(measure('postgres', 'gateway users.json', rows, dir, gatewayImport(files.json)));
        await add(
          measure('postgres', PSQL_COPY, rows, dir, (url) =>
            timed('psql', ['-q', '-v', 'ON_ERROR_STOP=1', url, '-c', copySql]),
          ),
        );
        await add(measure('postgres', 'gateway users.sql', rows, dir, gatewayImport(files.sql)));
      }
      if (values.only !== 'postgres') {
        await add(
          measure('sqlite', SQLITE_READ, rows, dir, (url) =>
            timed('sqlite3', ['-bail', url.slice('sqlite:'.length), `.read '${files.sql}'`]),
          ),
        );
        await add(measure('sqlite', 'gateway users.sql', rows, dir, gatewayImport(files.sql)));
        await add(measure('sqlite', 'gateway users.json', rows, dir, gatewayImport(files.json)));
      }
    }
    process.stdout.write(`${table(measurements, Number(values.runs))}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
