import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BenchContext } from './lib/bench-context';
import { type BenchDatabases, dropDatabases, prepareDatabases } from './lib/bench-databases';
import { BENCH_DIR, ensureBenchModules, ROOT_DIR } from './lib/bench-modules';
import { type BenchOptions, parseBenchOptions } from './lib/bench-options';
import type { BenchReport, ReportSection } from './lib/bench-report';
import { startGateway } from './lib/gateway-server';
import { describeMachine } from './lib/machine';
import { num, table } from './lib/markdown';
import { startPostGraphile } from './lib/postgraphile-server';
import { runCommand } from './lib/run-command';
import {
  deepPages,
  requestOverhead,
  runReadBenchmarks,
  sqliteReads,
  statementCounts,
} from './read/run-read';
import { runStatsBenchmarks } from './stats/run-stats';
import { runWriteBenchmarks } from './write/run-write';

const log = (message: string) => process.stderr.write(`${message}\n`);

/** The parts of a run, in order; `--only` picks some of them by name. */
const BENCH_PARTS: Array<[string, (context: BenchContext) => Promise<BenchReport>]> = [
  ['read', runReadBenchmarks],
  ['overhead', requestOverhead],
  ['deep-pages', deepPages],
  ['statements', statementCounts],
  ['sqlite-read', sqliteReads],
  ['stats', runStatsBenchmarks],
  ['write', runWriteBenchmarks],
];

/** Loads one size of data, starts the three servers over it and runs every benchmark of ours. */
async function benchSize(options: BenchOptions, databases: BenchDatabases): Promise<BenchReport> {
  const gateway = await startGateway(databases.postgresUrl);
  const postgraphile = await startPostGraphile(databases.postgresUrl);
  const sqliteGateway = databases.sqliteUrl ? await startGateway(databases.sqliteUrl) : undefined;
  const context: BenchContext = { options, databases, gateway, postgraphile, sqliteGateway, log };
  try {
    const report: BenchReport = { sections: [], targets: [] };
    for (const [name, run] of BENCH_PARTS) {
      if (options.only && !options.only.includes(name)) {
        continue;
      }
      log(`${num(databases.rows)} rows: ${name}`);
      const part = await run(context);
      report.sections.push(...part.sections);
      report.targets.push(...part.targets);
    }

    return report;
  } finally {
    await Promise.all([gateway.stop(), postgraphile.stop(), sqliteGateway?.stop()]);
  }
}

/**
 * The export and import benchmarks, when they are in the tree: each is run as
 * `bench/<name>/run.ts --rows N [--quick]` over the databases of the largest size (named by
 * BENCH_DATABASE_URL and BENCH_SQLITE_PATH), and what it prints to stdout is its markdown.
 */
async function otherBenchmarks(options: BenchOptions, databases: BenchDatabases) {
  const sections: ReportSection[] = [];
  for (const name of ['export', 'import']) {
    const script = join(BENCH_DIR, name, 'run.ts');
    if (!existsSync(script)) {
      continue;
    }
    log(`${name} benchmarks (${script})`);
    const args = ['--rows', String(databases.rows), ...(options.quick ? ['--quick'] : [])];
    const output = await runCommand(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: ROOT_DIR,
      env: {
        ...process.env,
        BENCH_DATABASE_URL: databases.postgresUrl,
        BENCH_SQLITE_PATH: databases.sqlitePath ?? '',
      },
    });
    sections.push({ title: `${name[0].toUpperCase()}${name.slice(1)}`, body: output.trim() });
  }

  return sections;
}

function renderResults(
  options: BenchOptions,
  machine: string[],
  reports: Array<{ databases: BenchDatabases; report: BenchReport }>,
  others: ReportSection[],
): string {
  const targets = reports.flatMap(({ report }) => report.targets);
  const loads = reports.map(({ databases: d }) => [
    num(d.rows),
    `${d.loadSeconds.postgres.toFixed(1)} s`,
    d.loadSeconds.sqlite === undefined ? '–' : `${d.loadSeconds.sqlite.toFixed(1)} s`,
  ]);
  const parts = [
    '# Benchmark results',
    `Written by \`npm run bench${options.quick ? ' -- --quick' : ''}\`; ${options.seconds} s per ` +
      `figure after a ${options.warmupSeconds} s warm-up, autocannon connections ` +
      `${options.concurrencies.join(', ')}.`,
    machine.map((line) => `- ${line}`).join('\n'),
    '## Targets',
    table(
      ['target', 'result', 'figure'],
      targets.map((t) => [t.target, t.met ? 'met' : '**missed**', t.figure]),
    ),
    '## Data',
    'Users, sessions and pages, each of the given number of rows, generated the same for both ' +
      'databases (COPY through psql on PostgreSQL, multi-row INSERTs through the sqlite3 CLI) ' +
      'into tables migrated by the gateway, with their primary keys, unique and secondary indexes.',
    table(['rows per table', 'PostgreSQL load + VACUUM ANALYZE', 'SQLite load'], loads),
    ...reports.flatMap(({ report }) => report.sections.flatMap((s) => [`## ${s.title}`, s.body])),
    ...others.flatMap((s) => [`## ${s.title}`, s.body]),
  ];

  return `${parts.join('\n\n')}\n`;
}

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2));
  const names = BENCH_PARTS.map(([name]) => name);
  const unknown = options.only?.filter((name) => !names.includes(name)) ?? [];
  if (unknown.length > 0) {
    throw new Error(`Unknown part '${unknown[0]}' for --only. Parts: ${names.join(', ')}`);
  }
  ensureBenchModules();
  const machine = await describeMachine();
  const reports: Array<{ databases: BenchDatabases; report: BenchReport }> = [];
  let others: ReportSection[] = [];
  for (const [index, rows] of options.sizes.entries()) {
    log(`${num(rows)} rows: generating users, sessions and pages`);
    const databases = await prepareDatabases(rows, options.sqlite);
    try {
      reports.push({ databases, report: await benchSize(options, databases) });
      if (index === options.sizes.length - 1 && !options.only) {
        others = await otherBenchmarks(options, databases);
      }
    } finally {
      if (!options.keep) {
        await dropDatabases(databases);
      }
    }
  }

  const markdown = renderResults(options, machine, reports, others);
  writeFileSync(resolve(ROOT_DIR, options.out), markdown);
  process.stdout.write(markdown);
  log(`written to ${options.out}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
