import type { BenchContext } from '../lib/bench-context';
import type { BenchReport, TargetCheck } from '../lib/bench-report';
import type { ChildServer } from '../lib/child-server';
import { startGateway } from '../lib/gateway-server';
import { type GraphQLBody, graphqlRequest } from '../lib/graphql-request';
import { type LoadFigures, type LoadTarget, measureLoad, percentile } from '../lib/load-test';
import { ms, num, ratio, table } from '../lib/markdown';
import { startPostGraphile } from '../lib/postgraphile-server';
import { pageQuery, type ReadQuery, readQueries } from './read-queries';

type Side = 'gateway' | 'postgraphile';
type Pick2 = Pick<ReadQuery, 'gateway' | 'postgraphile' | 'keys'>;

/** Fails unless the gateway and PostGraphile answer a request with the same rows. */
async function checkSameRows(context: BenchContext, name: string, query: Pick2, limit: number) {
  const ours = await graphqlRequest(
    context.gateway.url,
    query.gateway(1, limit),
    context.gateway.headers,
  );
  const theirs = await graphqlRequest(context.postgraphile.url, query.postgraphile(1, limit));
  const [a, b] = [query.keys(ours), query.keys(theirs)];
  if (a.length === 0 || JSON.stringify(a) !== JSON.stringify(b)) {
    throw new Error(`'${name}': the gateway and PostGraphile answered different rows:\n${a}\n${b}`);
  }
}

function load(
  context: BenchContext,
  side: Side,
  query: Pick2,
  limit: number,
  connections: number,
  seconds: number,
): Promise<LoadFigures> {
  const target: LoadTarget = side === 'gateway' ? context.gateway : context.postgraphile;
  let n = 0;
  const body = () => JSON.stringify(query[side](n++, limit));

  return measureLoad(target, body, connections, seconds, 0);
}

const better = (a: LoadFigures, b: LoadFigures) => (b.rps > a.rps ? b : a);

/**
 * Both servers under the same load: a warm-up of each, then two rounds in the order gateway,
 * PostGraphile, PostGraphile, gateway, so that a drift in the machine's load hurts both alike;
 * each side keeps its better round, since noise on a shared machine only ever slows.
 */
async function comparePair(
  context: BenchContext,
  query: Pick2,
  limit: number,
  connections: number,
): Promise<{ ours: LoadFigures; theirs: LoadFigures }> {
  const { seconds, warmupSeconds } = context.options;
  await load(context, 'gateway', query, limit, connections, warmupSeconds);
  await load(context, 'postgraphile', query, limit, connections, warmupSeconds);
  const ours1 = await load(context, 'gateway', query, limit, connections, seconds);
  const theirs1 = await load(context, 'postgraphile', query, limit, connections, seconds);
  const theirs2 = await load(context, 'postgraphile', query, limit, connections, seconds);
  const ours2 = await load(context, 'gateway', query, limit, connections, seconds);

  return { ours: better(ours1, ours2), theirs: better(theirs1, theirs2) };
}

const failuresNote = (figures: LoadFigures) =>
  figures.failures > 0 ? ` (${num(figures.failures)} failed)` : '';

interface PairRow {
  query: string;
  connections: number;
  ours: LoadFigures;
  theirs: LoadFigures;
}

function pairTable(rows: PairRow[], label: string): string {
  return table(
    [
      label,
      'connections',
      'gateway req/s',
      'PostGraphile req/s',
      'req/s ratio',
      'gateway p50',
      'PostGraphile p50',
      'gateway p99',
      'PostGraphile p99',
      'p99 ratio',
    ],
    rows.map(({ query, connections, ours, theirs }) => [
      query,
      connections,
      num(ours.rps) + failuresNote(ours),
      num(theirs.rps) + failuresNote(theirs),
      ratio(ours.rps / theirs.rps),
      ms(ours.p50),
      ms(theirs.p50),
      ms(ours.p99),
      ms(theirs.p99),
      ratio(ours.p99 / theirs.p99),
    ]),
  );
}

/** The read targets of one query: at least PostGraphile's req/s and no worse p99, everywhere. */
function readTargets(rows: number, query: string, pairs: PairRow[]): TargetCheck[] {
  const mine = pairs.filter((p) => p.query === query);
  const slower = mine.filter((p) => p.ours.rps < p.theirs.rps || p.ours.failures > 0);
  const later = mine.filter((p) => p.ours.p99 > p.theirs.p99);
  const describe = (list: PairRow[], what: (p: PairRow) => string) =>
    list.map((p) => `${what(p)} at ${p.connections} connections`).join(', ');

  return [
    {
      target: `${query}, ${num(rows)} rows: req/s ≥ PostGraphile's`,
      met: slower.length === 0,
      figure:
        slower.length === 0
          ? `req/s ratio ${mine.map((p) => ratio(p.ours.rps / p.theirs.rps)).join(', ')}`
          : `missed: ${describe(slower, (p) => `${ratio(p.ours.rps / p.theirs.rps)}`)}`,
    },
    {
      target: `${query}, ${num(rows)} rows: p99 ≤ PostGraphile's`,
      met: later.length === 0,
      figure:
        later.length === 0
          ? `p99 ratio ${mine.map((p) => ratio(p.ours.p99 / p.theirs.p99)).join(', ')}`
          : `missed: ${describe(later, (p) => `${ms(p.ours.p99)} against ${ms(p.theirs.p99)}`)}`,
    },
  ];
}

/**
 * The fixed cost of a request: `{ __typename }` reads no table, so what it costs is the HTTP and
 * GraphQL stack, and, signed in, the statement that resolves the bearer token to a session.
 */
export async function requestOverhead(context: BenchContext): Promise<BenchReport> {
  const report: BenchReport = { sections: [], targets: [] };
  const connections = 10;
  const { seconds, warmupSeconds } = context.options;
  const body = () => JSON.stringify({ query: '{ __typename }' });
  const targets: Array<[string, LoadTarget]> = [
    ['gateway, anonymous', { url: context.gateway.url }],
    ['gateway, signed in', context.gateway],
    ['PostGraphile', context.postgraphile],
  ];
  for (const [, target] of targets) {
    await measureLoad(target, body, connections, warmupSeconds, 0);
  }
  const best = new Map<string, LoadFigures>();
  for (const [name, target] of [...targets, ...[...targets].reverse()]) {
    const figures = await measureLoad(target, body, connections, seconds, 0);
    best.set(name, best.has(name) ? better(best.get(name)!, figures) : figures);
  }
  const cells = targets.map(([name]) => {
    const f = best.get(name)!;

    return [name, connections, num(f.rps) + failuresNote(f), ms(f.p50), ms(f.p99)];
  });
  const [anonymous, signedIn, reference] = targets.map(([name]) => best.get(name)!);
  report.sections.push({
    title: `Fixed cost of a request: { __typename } (${num(context.databases.rows)} rows)`,
    body:
      table(['server', 'connections', 'req/s', 'p50', 'p99'], cells) +
      `\n\nPer request at ${connections} connections: ${ms(1000 / anonymous.rps)} of the ` +
      `gateway's HTTP and GraphQL stack against ${ms(1000 / reference.rps)} for PostGraphile's, ` +
      `and ${ms(1000 / signedIn.rps - 1000 / anonymous.rps)} more for the session lookup.`,
  });

  return report;
}

/** SQL statements per request, counted from the servers' own output while one request runs. */
export async function statementCounts(context: BenchContext): Promise<BenchReport> {
  const report: BenchReport = { sections: [], targets: [] };
  const { databases } = context;
  const gateway = await startGateway(databases.postgresUrl, { LOG_LEVEL: 'debug' });
  const reference: ChildServer = await startPostGraphile(databases.postgresUrl, true);
  try {
    const rows: Array<Array<string | number>> = [];
    for (const query of readQueries(databases.rows)) {
      const sizes = query.pageSize === undefined ? [undefined] : [5, 50];
      const ours: number[] = [];
      const theirs: number[] = [];
      for (const size of sizes) {
        const body = (side: Side) => query[side](1, size ?? 1);
        ours.push(
          await gateway.countLines(/"msg":"sql"/, () =>
            graphqlRequest(gateway.url, body('gateway'), gateway.headers),
          ),
        );
        theirs.push(
          await reference.countLines(/^sql$/, () =>
            graphqlRequest(reference.url, body('postgraphile')),
          ),
        );
      }
      const paged = sizes.length === 2;
      rows.push([query.name, ours[0], paged ? ours[1] : '–', theirs[0], paged ? theirs[1] : '–']);
      if (paged) {
        report.targets.push({
          target: `${query.name}: statements for page size 5 = for page size 50`,
          met: ours[0] === ours[1],
          figure: `${ours[0]} and ${ours[1]}`,
        });
      }
    }
    report.sections.push({
      title: `SQL statements per request (${num(databases.rows)} rows)`,
      body:
        table(
          [
            'query',
            'gateway, page of 5',
            'gateway, page of 50',
            'PostGraphile, 5',
            'PostGraphile, 50',
          ],
          rows,
        ) +
        '\n\nCounted from the gateway\'s `"msg":"sql"` debug lines and from a counting wrapper ' +
        "around PostGraphile's pg client, for one request each. The gateway's figure includes the " +
        'statement that resolves the bearer token to a session.',
    });
  } finally {
    await gateway.stop();
    await reference.stop();
  }

  return report;
}

/** A request timed once, in milliseconds. */
async function timedRequest(target: LoadTarget, body: GraphQLBody): Promise<number> {
  const start = process.hrtime.bigint();
  await graphqlRequest(target.url, body, target.headers);

  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * What offset pagination costs: page 0 against a page 80 % of the way into the users, timed
 * one request after another, since a deep page can take longer than a whole load would last.
 */
export async function deepPages(context: BenchContext): Promise<BenchReport> {
  const { rows } = context.databases;
  const deep = Math.floor((rows * 0.8) / 20);
  const samples = context.options.quick ? 3 : 5;
  const cells: Array<Array<string | number>> = [];
  const medians: Record<string, number> = {};
  for (const page of [0, deep]) {
    const query = pageQuery(page);
    await checkSameRows(context, `page ${page}`, query, 20);
    // One request on each server in turn, the first alternating, so both see the same caches.
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let i = 0; i < samples; i++) {
      const gateway = async () =>
        ours.push(await timedRequest(context.gateway, query.gateway(0, 20)));
      const reference = async () =>
        theirs.push(await timedRequest(context.postgraphile, query.postgraphile(0, 20)));
      for (const turn of i % 2 === 0 ? [gateway, reference] : [reference, gateway]) {
        await turn();
      }
    }
    ours.sort((a, b) => a - b);
    theirs.sort((a, b) => a - b);
    const [a, b] = [percentile(ours, 0.5), percentile(theirs, 0.5)];
    medians[`ours${page}`] = a;
    medians[`theirs${page}`] = b;
    context.log(`  page ${page}: gateway ${ms(a)}, PostGraphile ${ms(b)}`);
    cells.push([
      `page ${num(page)}`,
      `${ms(ours[0])} / ${ms(a)} / ${ms(ours[ours.length - 1])}`,
      `${ms(theirs[0])} / ${ms(b)} / ${ms(theirs[theirs.length - 1])}`,
      ratio(a / b),
    ]);
  }

  return {
    sections: [
      {
        title: `Deep pages: 20 users by primary key (${num(rows)} rows)`,
        body:
          table(
            [
              'page',
              'gateway min / median / max',
              'PostGraphile min / median / max',
              'median ratio',
            ],
            cells,
          ) +
          `\n\n${samples} requests on each server, one at a time, taking turns. Both page ` +
          `with OFFSET (PostGraphile's \`first: 20, offset: ${num(deep * 20)}\`): ` +
          'the database walks the primary-key index past every skipped row; PostGraphile ' +
          'reads each of those rows from the table, the gateway (from 1,000 skipped rows on) ' +
          'only their keys. The deep ' +
          `page costs ${ratio(medians[`ours${deep}`] / medians.ours0)} the time of page 0 on the ` +
          `gateway and ${ratio(medians[`theirs${deep}`] / medians.theirs0)} on PostGraphile.`,
      },
    ],
    targets: [],
  };
}

/** The gateway on SQLite with the same requests; there is no PostGraphile for SQLite. */
export async function sqliteReads(context: BenchContext): Promise<BenchReport> {
  const report: BenchReport = { sections: [], targets: [] };
  const sqlite = context.sqliteGateway;
  if (!sqlite) {
    return report;
  }
  const rows: Array<Array<string | number>> = [];
  for (const query of readQueries(context.databases.rows)) {
    await graphqlRequest(sqlite.url, query.gateway(1, query.pageSize ?? 1), sqlite.headers);
    for (const connections of context.options.concurrencies) {
      let n = 0;
      const body = () => JSON.stringify(query.gateway(n++, query.pageSize ?? 1));
      const f = await measureLoad(
        sqlite,
        body,
        connections,
        context.options.seconds,
        context.options.warmupSeconds,
      );
      context.log(`  sqlite ${query.name} c=${connections}: ${num(f.rps)} req/s`);
      rows.push([query.name, connections, num(f.rps) + failuresNote(f), ms(f.p50), ms(f.p99)]);
    }
  }
  report.sections.push({
    title: `Read path, gateway on SQLite (${num(context.databases.rows)} rows)`,
    body: table(['query', 'connections', 'req/s', 'p50', 'p99'], rows),
  });

  return report;
}

/**
 * The three read requests of the targets against the gateway and PostGraphile over the same
 * PostgreSQL database, at each concurrency, alternating the two servers so that both see the
 * same state of a shared machine.
 */
export async function runReadBenchmarks(context: BenchContext): Promise<BenchReport> {
  const report: BenchReport = { sections: [], targets: [] };
  const { rows } = context.databases;
  const pairs: PairRow[] = [];
  const queries = readQueries(rows);
  for (const query of queries) {
    await checkSameRows(context, query.name, query, query.pageSize ?? 1);
    for (const connections of context.options.concurrencies) {
      const { ours, theirs } = await comparePair(context, query, query.pageSize ?? 1, connections);
      context.log(
        `  ${query.name} c=${connections}: gateway ${num(ours.rps)} req/s, ` +
          `PostGraphile ${num(theirs.rps)} req/s`,
      );
      pairs.push({ query: query.name, connections, ours, theirs });
    }
  }
  report.sections.push({
    title: `Read path, PostgreSQL: gateway and PostGraphile 4 (${num(rows)} rows)`,
    body:
      pairTable(pairs, 'query') +
      '\n\n' +
      queries.map((q) => `- **${q.name}**: ${q.description}.`).join('\n') +
      '\n\nRatios are gateway ÷ PostGraphile: above 1.00× is better for req/s, below 1.00× is ' +
      'better for p99. Each figure is the better of two rounds, run gateway, PostGraphile, ' +
      'PostGraphile, gateway after a warm-up of each. The gateway is signed in (each request ' +
      'resolves its bearer token to a session); PostGraphile runs without authentication.',
  });
  for (const query of queries) {
    report.targets.push(...readTargets(rows, query.name, pairs));
  }

  return report;
}
