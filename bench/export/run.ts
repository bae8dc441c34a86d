/**
 * Export benchmark: generated User rows on SQLite and PostgreSQL, each export format timed and
 * measured beside the reference dump tool on the same data in the same run.
 *
 *   npm run bench:export -- --rows 100000,1000000 [--repeat 3] [--dialects sqlite,postgres]
 *                           [--formats json,yaml,sql]
 *
 * With --repeat, every figure is the median of the runs (the peak memory their largest), the
 * reference and the exports taking turns, so that a burst of load elsewhere skews them alike.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { openServices } from '../../src/app';
import { type DialectName, loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { createTestDatabase } from '../../test/harness';
import { generateUsers } from './generate-users';

const run = promisify(execFile);
const TIME = '/usr/bin/time';
const PG_DUMP = existsSync('/usr/lib/postgresql/15/bin/pg_dump')
  ? '/usr/lib/postgresql/15/bin/pg_dump'
  : 'pg_dump';
const TSX = join(__dirname, '..', '..', 'node_modules', '.bin', 'tsx');

interface Measure {
  seconds: number;
  peakRssKb: number | null;
  bytes: number;
}

interface Row {
  dialect: DialectName;
  rows: number;
  what: string;
  measure: Measure;
  reference: Measure;
}

/** Runs a command under /usr/bin/time (stdout to a file when given): wall time and peak RSS. */
async function timed(command: string, args: string[], stdoutFile?: string) {
  const timeFile = join(tmpdir(), `mb-bench-time-${process.pid}`);
  const started = process.hrtime.bigint();
  const stdout: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const child = spawn(TIME, ['-f', '%M', '-o', timeFile, command, ...args], {
      stdio: ['ignore', stdoutFile ? openSync(stdoutFile, 'w') : 'pipe', 'inherit'],
    });
    child.stdout?.on('data', (data: Buffer) => stdout.push(data.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}`)),
    );
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const peakRssKb = Number(readFileSync(timeFile, 'utf8').trim().split('\n').pop());
  rmSync(timeFile, { force: true });

  return {
    seconds,
    peakRssKb: Number.isFinite(peakRssKb) ? peakRssKb : null,
    stdout: stdout.join(''),
  };
}

async function reference(dialect: DialectName, url: string, out: string): Promise<Measure> {
  const result =
    dialect === 'postgres'
      ? await timed(PG_DUMP, [
          '--data-only',
          '--inserts',
          '--rows-per-insert=1000',
          '-t',
          '"User"',
          '-d',
          url,
          '-f',
          out,
        ])
      : await timed('sqlite3', [url.slice('sqlite:'.length), '.dump'], out);

  return { seconds: result.seconds, peakRssKb: result.peakRssKb, bytes: statSync(out).size };
}

/** The gateway's export in a process of its own; the time is the export's, after start-up. */
async function gatewayExport(url: string, format: string, out: string): Promise<Measure> {
  const args = [join(__dirname, 'export-once.ts'), '--format', format, '--out', out];
  const child = await new Promise<string>((resolve, reject) => {
    execFile(TSX, args, { env: { ...process.env, DATABASE_URL: url } }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    );
  });
  const reported = JSON.parse(child.trim().split('\n').pop()!) as Measure;

  return { ...reported, bytes: statSync(out).size };
}

/** The median time, the largest peak memory and the size of repeated measures of one thing. */
function combine(measures: Measure[]): Measure {
  const times = measures.map((m) => m.seconds).sort((a, b) => a - b);
  const peaks = measures.map((m) => m.peakRssKb).filter((kb): kb is number => kb !== null);

  return {
    seconds: times[Math.floor(times.length / 2)],
    peakRssKb: peaks.length > 0 ? Math.max(...peaks) : null,
    bytes: measures[0].bytes,
  };
}

async function benchDialect(
  dialect: DialectName,
  rows: number,
  formats: string[],
  dir: string,
  repeat: number,
): Promise<Row[]> {
  const database = await createTestDatabase(dialect);
  try {
    const config = loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent' });
    const services = await openServices(config, createLogger('silent'));
    const generating = Date.now();
    await generateUsers(services.db, rows);
    await services.db.close();
    process.stderr.write(
      `${dialect}: ${rows} users generated in ${((Date.now() - generating) / 1000).toFixed(1)} s\n`,
    );

    const referenceName = dialect === 'postgres' ? 'pg_dump --inserts' : 'sqlite3 .dump';
    const referenceFile = join(dir, `${dialect}-reference.sql`);
    const refMeasures: Measure[] = [];
    const measures = new Map<string, Measure[]>(formats.map((format) => [format, []]));
    for (let round = 0; round < repeat; round++) {
      const ref = await reference(dialect, database.url, referenceFile);
      refMeasures.push(ref);
      process.stderr.write(`${dialect}: ${referenceName} ${ref.seconds.toFixed(2)} s\n`);
      rmSync(referenceFile, { force: true });
      for (const format of formats) {
        const out = join(dir, `${dialect}-gateway.${format}`);
        const measure = await gatewayExport(database.url, format, out);
        measures.get(format)!.push(measure);
        process.stderr.write(`${dialect}: ${format} ${measure.seconds.toFixed(2)} s\n`);
        rmSync(out, { force: true });
      }
    }
    const refMeasure = combine(refMeasures);
    const results = formats.map((format) => ({
      dialect,
      rows,
      what: format.toUpperCase(),
      measure: combine(measures.get(format)!),
      reference: refMeasure,
    }));

    return results;
  } finally {
    await database.drop();
  }
}

const mb = (kb: number | null) => (kb === null ? '—' : (kb / 1024).toFixed(0));

function printTable(rows: Row[]): void {
  const lines = [
    '| database | rows | export | gateway s | reference | reference s | time ratio | gateway peak MB | reference peak MB | file MB (ref MB) |',
    '| --- | ---: | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    const ref = r.dialect === 'postgres' ? 'pg_dump --inserts' : 'sqlite3 .dump';
    lines.push(
      `| ${r.dialect} | ${r.rows} | ${r.what} | ${r.measure.seconds.toFixed(2)} | ${ref} | ` +
        `${r.reference.seconds.toFixed(2)} | ${(r.measure.seconds / r.reference.seconds).toFixed(2)}× | ` +
        `${mb(r.measure.peakRssKb)} | ${mb(r.reference.peakRssKb)} | ` +
        `${(r.measure.bytes / 1048576).toFixed(0)} (${(r.reference.bytes / 1048576).toFixed(0)}) |`,
    );
  }
  process.stdout.write(`\n${lines.join('\n')}\n`);
}

/** Peak memory of the largest run over the smallest: flat memory stays near 1. */
function printFlatness(rows: Row[], sizes: number[]): void {
  if (sizes.length < 2) {
    return;
  }
  const [small, large] = [Math.min(...sizes), Math.max(...sizes)];
  const lines = [
    `| database | export | peak MB at ${small} | peak MB at ${large} | ratio |`,
    '| --- | --- | ---: | ---: | ---: |',
  ];
  for (const r of rows.filter((row) => row.rows === large)) {
    const base = rows.find((o) => o.rows === small && o.dialect === r.dialect && o.what === r.what);
    if (!base?.measure.peakRssKb || !r.measure.peakRssKb) {
      continue;
    }
    lines.push(
      `| ${r.dialect} | ${r.what} | ${mb(base.measure.peakRssKb)} | ${mb(r.measure.peakRssKb)} | ` +
        `${(r.measure.peakRssKb / base.measure.peakRssKb).toFixed(2)}× |`,
    );
  }
  process.stdout.write(`\n${lines.join('\n')}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '100000' },
      dialects: { type: 'string', default: 'sqlite,postgres' },
      formats: { type: 'string', default: 'json,yaml,sql' },
      repeat: { type: 'string', default: '1' },
    },
  });
  const sizes = values.rows.split(',').map((size) => Number(size.replace(/_/g, '')));
  if (sizes.some((size) => !Number.isInteger(size) || size < 1)) {
    throw new Error(`--rows takes positive integers separated by commas, got '${values.rows}'`);
  }
  await run(TIME, ['-f', '%M', 'true']).catch(() => {
    throw new Error(`${TIME} is needed to measure peak memory (apt-get install time)`);
  });
  const repeat = Number(values.repeat);
  if (!Number.isInteger(repeat) || repeat < 1) {
    throw new Error(`--repeat takes a positive integer, got '${values.repeat}'`);
  }
  const dialects = values.dialects.split(',') as DialectName[];
  const formats = values.formats.split(',');
  const dir = mkdtempSync(join(tmpdir(), 'mb-bench-export-'));
  const rows: Row[] = [];
  try {
    for (const size of sizes) {
      for (const dialect of dialects) {
        rows.push(...(await benchDialect(dialect, size, formats, dir, repeat)));
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  printTable(rows);
  printFlatness(rows, sizes);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
