import type { BenchContext } from '../lib/bench-context';
import { keyOf } from '../lib/bench-data';
import type { BenchReport } from '../lib/bench-report';
import type { GraphQLBody } from '../lib/graphql-request';
import { graphqlRequest } from '../lib/graphql-request';
import { type LoadFigures, type LoadTarget, measureLoad } from '../lib/load-test';
import { ms, num, ratio, table } from '../lib/markdown';
import { spread } from '../read/read-queries';

interface WriteRequest {
  name: string;
  gateway(n: number): GraphQLBody;
  postgraphile(n: number): GraphQLBody;
}

/** Each run writes users of its own, so a second run on the same data makes no conflicts. */
const RUN = Date.now().toString(36);

function writeRequests(rows: number): WriteRequest[] {
  return [
    {
      name: 'createEntity (User)',
      gateway: (n) => ({
        query: `mutation ($data: JSON!) { createEntity(entityType: User, data: $data) }`,
        variables: {
          data: { username: `g${RUN}_${n}`, email: `g${RUN}_${n}@example.com`, role: 'user' },
        },
      }),
      postgraphile: (n) => ({
        query: `mutation ($user: UserInput!) { createUser(input: { user: $user }) { user { id } } }`,
        variables: {
          user: {
            id: `p${RUN}-${n}`,
            username: `p${RUN}_${n}`,
            email: `p${RUN}_${n}@example.com`,
            role: 'user',
            createdAt: String(Date.now()),
          },
        },
      }),
    },
    {
      name: 'updateEntity (User.bio)',
      gateway: (n) => ({
        query: `mutation ($id: ID!, $data: JSON!) { updateEntity(entityType: User, id: $id, data: $data) }`,
        variables: { id: keyOf(0, spread(n, rows)), data: { bio: `Changed by run ${RUN}, ${n}.` } },
      }),
      postgraphile: (n) => ({
        query: `mutation ($id: String!, $bio: String!) {
  updateUserById(input: { id: $id, userPatch: { bio: $bio } }) { user { id } }
}`,
        variables: { id: keyOf(0, spread(n + 1, rows)), bio: `Changed by run ${RUN}, ${n}.` },
      }),
    },
  ];
}

function drive(
  context: BenchContext,
  target: LoadTarget,
  body: (n: number) => GraphQLBody,
  offset: number,
): Promise<LoadFigures> {
  let n = offset;
  const { writeConcurrency, seconds } = context.options;

  return measureLoad(target, () => JSON.stringify(body(n++)), writeConcurrency, seconds, 0);
}

/**
 * createEntity and updateEntity under concurrency, on the gateway (PostgreSQL and SQLite) and,
 * for scale, PostGraphile's createUser and updateUserById on the same database. The gateway does
 * more per write on purpose: validation, uniqueness and reference checks, a transaction and an
 * audit record.
 */
export async function runWriteBenchmarks(context: BenchContext): Promise<BenchReport> {
  const { rows } = context.databases;
  const connections = context.options.writeConcurrency;
  const cells: Array<Array<string | number>> = [];
  for (const [index, request] of writeRequests(rows).entries()) {
    // Each side starts at its own offset, so no two writes go to the same user.
    const offset = index * 10_000_000;
    await graphqlRequest(context.gateway.url, request.gateway(offset), context.gateway.headers);
    await graphqlRequest(context.postgraphile.url, request.postgraphile(offset));
    const ours = await drive(context, context.gateway, request.gateway, offset + 1);
    const theirs = await drive(context, context.postgraphile, request.postgraphile, offset + 1);
    const sqlite = context.sqliteGateway
      ? await drive(context, context.sqliteGateway, request.gateway, offset + 5_000_000)
      : undefined;
    context.log(
      `  ${request.name}: gateway ${num(ours.rps)} req/s, PostGraphile ${num(theirs.rps)}`,
    );
    const failed = (f: LoadFigures) => (f.failures > 0 ? ` (${num(f.failures)} failed)` : '');
    cells.push([
      request.name,
      connections,
      num(ours.rps) + failed(ours),
      ms(ours.p99),
      num(theirs.rps) + failed(theirs),
      ms(theirs.p99),
      ratio(ours.rps / theirs.rps),
      sqlite ? num(sqlite.rps) + failed(sqlite) : '–',
      sqlite ? ms(sqlite.p99) : '–',
    ]);
  }

  return {
    sections: [
      {
        title: `Write path (${num(rows)} rows)`,
        body:
          table(
            [
              'mutation',
              'connections',
              'gateway (PostgreSQL) req/s',
              'p99',
              'PostGraphile req/s',
              'p99',
              'req/s ratio',
              'gateway (SQLite) req/s',
              'p99',
            ],
            cells,
          ) +
          '\n\nPostGraphile runs `createUser` and `updateUserById`: one INSERT or UPDATE each. ' +
          'The gateway validates the record, checks the unique fields and references, writes in ' +
          'a transaction with an audit record and reads the record back. No target is set ' +
          'for writes.',
      },
    ],
    targets: [],
  };
}
