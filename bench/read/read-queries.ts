import { keyOf, TENANTS } from '../lib/bench-data';
import type { GraphQLBody } from '../lib/graphql-request';

/** One read request written twice: for the gateway's schema and for PostGraphile's. */
export interface ReadQuery {
  name: string;
  /** The request in words, for the results. */
  description: string;
  /** The n-th request of a load; `limit` is the page size. */
  gateway(n: number, limit: number): GraphQLBody;
  postgraphile(n: number, limit: number): GraphQLBody;
  /** The keys of the rows in a reply, to check that both servers answer the same. */
  keys(data: Record<string, unknown>): string[];
  /** The default page size; undefined for a request without pages. */
  pageSize?: number;
}

type Records = { records: Array<{ id: string }> };
type Nodes = { nodes: Array<{ id: string }> };

const tenant = (n: number) => `tenant-${n % TENANTS}`;

/** Spreads the n-th request over the rows, so a load does not read one row over and over. */
export const spread = (n: number, rows: number) => (n * 7919 + 13) % rows;

/** The three read requests of the targets, over a database of `rows` users and sessions. */
export function readQueries(rows: number): ReadQuery[] {
  return [
    {
      name: 'list',
      description: 'users of one tenant (filter), newest first (sort), 20 rows, with the total',
      pageSize: 20,
      gateway: (n, limit) => ({
        query: `query ($tenant: String!) {
  users(limit: ${limit}, filter: { tenantId: { eq: $tenant } }, orderBy: [{ field: createdAt, order: DESC }]) {
    records { id username email role createdAt }
    pagination { total }
  }
}`,
        variables: { tenant: tenant(n) },
      }),
      postgraphile: (n, limit) => ({
        query: `query ($tenant: String!) {
  allUsers(condition: { tenantId: $tenant }, orderBy: CREATED_AT_DESC, first: ${limit}) {
    nodes { id username email role createdAt }
    totalCount
  }
}`,
        variables: { tenant: tenant(n) },
      }),
      keys: (data) =>
        data.users
          ? (data.users as Records).records.map((r) => r.id)
          : (data.allUsers as Nodes).nodes.map((r) => r.id),
    },
    {
      name: 'by id',
      description: 'one user by its primary key',
      gateway: (n) => ({
        query: `query ($id: ID!) { userById(id: $id) { id username email role tenantId createdAt } }`,
        variables: { id: keyOf(0, spread(n, rows)) },
      }),
      postgraphile: (n) => ({
        query: `query ($id: String!) { userById(id: $id) { id username email role tenantId createdAt } }`,
        variables: { id: keyOf(0, spread(n, rows)) },
      }),
      keys: (data) => [(data.userById as { id: string }).id],
    },
    {
      name: 'sessions + users',
      description: 'a page of 50 sessions, each with its user',
      pageSize: 50,
      gateway: (_n, limit) => ({
        query: `{
  sessions(limit: ${limit}) {
    records { id userId expiresAt ipAddress user { id username email role } }
  }
}`,
      }),
      postgraphile: (_n, limit) => ({
        query: `{
  allSessions(first: ${limit}, orderBy: PRIMARY_KEY_ASC) {
    nodes { id userId expiresAt ipAddress userByUserId { id username email role } }
  }
}`,
      }),
      keys: (data) =>
        (data.sessions as Records | undefined)?.records.map((r) => r.id) ??
        (data.allSessions as Nodes).nodes.map((r) => r.id),
    },
  ];
}

/** Page 0 or a deep page of users in primary-key order, 20 rows, on both servers. */
export function pageQuery(page: number): Pick<ReadQuery, 'gateway' | 'postgraphile' | 'keys'> {
  return {
    gateway: () => ({ query: `{ users(page: ${page}, limit: 20) { records { id username } } }` }),
    postgraphile: () => ({
      query: `{ allUsers(first: 20, offset: ${page * 20}, orderBy: PRIMARY_KEY_ASC) { nodes { id username } } }`,
    }),
    keys: (data) =>
      (data.users as Records | undefined)?.records.map((r) => r.id) ??
      (data.allUsers as Nodes).nodes.map((r) => r.id),
  };
}
