import type { BenchContext } from '../lib/bench-context';
import type { BenchReport } from '../lib/bench-report';
import { type GatewayServer, startGateway } from '../lib/gateway-server';
import { graphqlRequest } from '../lib/graphql-request';
import { percentile } from '../lib/load-test';
import { ms, num, table } from '../lib/markdown';

interface TypeRef {
  kind: string;
  name: string | null;
  ofType: TypeRef | null;
}

const named = (type: TypeRef): TypeRef => (type.ofType ? named(type.ofType) : type);

/**
 * The databaseStats query with every scalar field of DatabaseStats, or null when the schema has
 * no such field (statistics are a feature of their own).
 */
async function statsQuery(gateway: GatewayServer): Promise<string | null> {
  const data = await graphqlRequest(
    gateway.url,
    {
      query: `{
  __schema { queryType { fields { name } } }
  __type(name: "DatabaseStats") { fields { name args { name } type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } }
}`,
    },
    gateway.headers,
  );
  const schema = data.__schema as { queryType: { fields: Array<{ name: string }> } };
  if (!schema.queryType.fields.some((field) => field.name === 'databaseStats')) {
    return null;
  }
  const type = data.__type as { fields: Array<{ name: string; type: TypeRef }> } | null;
  const scalars = (type?.fields ?? [])
    .filter((field) => ['SCALAR', 'ENUM'].includes(named(field.type).kind))
    .map((field) => field.name);

  return `{ databaseStats { ${scalars.join(' ') || '__typename'} } }`;
}

/** Latencies of `samples` requests sent one after another. */
async function timed(gateway: GatewayServer, query: string, samples: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = process.hrtime.bigint();
    await graphqlRequest(gateway.url, { query }, gateway.headers);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }

  return times.sort((a, b) => a - b);
}

/**
 * databaseStats on each dialect: cold (a gateway whose cache is off, so every request reads
 * the database) and cached (the default gateway, after a first request filled its cache).
 */
export async function runStatsBenchmarks(context: BenchContext): Promise<BenchReport> {
  const { rows } = context.databases;
  const title = `databaseStats latency (${num(rows)} rows)`;
  const query = await statsQuery(context.gateway);
  if (!query) {
    return {
      sections: [{ title, body: '`databaseStats`: not in this schema.' }],
      targets: [],
    };
  }

  const cells: Array<Array<string | number>> = [];
  const dialects: Array<[string, string, GatewayServer | undefined]> = [
    ['PostgreSQL', context.databases.postgresUrl, context.gateway],
    ['SQLite', context.databases.sqliteUrl ?? '', context.sqliteGateway],
  ];
  for (const [dialect, url, cachedGateway] of dialects) {
    if (!cachedGateway) {
      continue;
    }
    const uncached = await startGateway(url, { STATS_CACHE_SECONDS: '0' });
    try {
      const cold = await timed(uncached, query, context.options.samples);
      await timed(cachedGateway, query, 1);
      const cached = await timed(cachedGateway, query, context.options.samples);
      for (const [mode, times] of [
        ['cold', cold],
        ['cached', cached],
      ] as const) {
        cells.push([
          dialect,
          mode,
          ms(times[0]),
          ms(percentile(times, 0.5)),
          ms(times[times.length - 1]),
        ]);
      }
    } finally {
      await uncached.stop();
    }
  }

  return {
    sections: [
      {
        title,
        body:
          table(['database', 'cache', 'min', 'median', 'max'], cells) +
          `\n\n${context.options.samples} requests one after another; cold uses a gateway with ` +
          'STATS_CACHE_SECONDS=0, cached the default gateway after one request.',
      },
    ],
    targets: [],
  };
}
