import { parseArgs } from 'node:util';

/** What one run of `npm run bench` measures, and for how long. */
export interface BenchOptions {
  quick: boolean;
  /** Sizes of the data, smallest first: users, sessions and pages each. */
  sizes: number[];
  /** autocannon connections for the read queries. */
  concurrencies: number[];
  /** Connections for the write path. */
  writeConcurrency: number;
  /** Seconds of each measured load and of the warm-up before it. */
  seconds: number;
  warmupSeconds: number;
  /** Requests timed one after another for latencies that autocannon would blur (stats). */
  samples: number;
  /** Also load and measure the SQLite file. */
  sqlite: boolean;
  out: string;
  /** Names of the parts to run; all when undefined. */
  only?: string[];
  /** Keep the databases after the run, to look into them. */
  keep: boolean;
}

const USAGE = `Usage: npm run bench [-- options]

  --quick            a short run: 10,000 rows, concurrencies 1 and 10, 1 s per figure
  --rows N[,M...]    the sizes to measure (default 100000,1000000; each of users, sessions, pages)
  --seconds S        seconds per figure (default 5, quick 1)
  --concurrency C,.. autocannon connections for reads (default 1,10,50)
  --no-sqlite        skip the SQLite figures
  --out FILE         where the markdown goes (default bench/RESULTS.md)
  --only PART,...    run only these parts: read, overhead, deep-pages, statements, sqlite-read,
                     stats, write
  --keep             keep the benchmark databases afterwards`;

function numbers(raw: string, name: string): number[] {
  const values = raw.split(',').map((part) => Number(part.replace(/_/g, '')));
  if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new Error(`${name} takes positive integers separated by commas, got '${raw}'\n${USAGE}`);
  }

  return values;
}

/** The options of the command line, with the defaults of a full or a quick run. */
export function parseBenchOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      rows: { type: 'string' },
      seconds: { type: 'string' },
      concurrency: { type: 'string' },
      'no-sqlite': { type: 'boolean', default: false },
      out: { type: 'string' },
      only: { type: 'string' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const quick = values.quick ?? false;
  const seconds = values.seconds ? numbers(values.seconds, '--seconds')[0] : quick ? 1 : 5;

  return {
    quick,
    sizes: numbers(values.rows ?? (quick ? '10000' : '100000,1000000'), '--rows').sort(
      (a, b) => a - b,
    ),
    concurrencies: numbers(values.concurrency ?? (quick ? '1,10' : '1,10,50'), '--concurrency'),
    writeConcurrency: 10,
    seconds,
    warmupSeconds: quick ? 1 : 2,
    samples: quick ? 5 : 20,
    sqlite: !values['no-sqlite'],
    out: values.out ?? 'bench/RESULTS.md',
    only: values.only?.split(','),
    keep: values.keep ?? false,
  };
}
