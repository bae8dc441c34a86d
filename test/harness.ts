import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GraphQLSchema } from 'graphql';
import pg from 'pg';
import { openServices } from '../src/app';
import { type Config, type DialectName, loadConfig } from '../src/config';
import { seedDatabase } from '../src/db/seed';
import { type GatewayServer, startGatewayServer } from '../src/http/gateway-server';
import { createLogger } from '../src/logger';
import { buildSchema } from '../src/schema';
import type { Services } from '../src/services';

/** The dialects every scenario runs on; TEST_DIALECTS=sqlite narrows it for a quick run. */
export const DIALECTS: DialectName[] = (process.env.TEST_DIALECTS ?? 'sqlite,postgres')
  .split(',')
  .map((d) => d.trim() as DialectName);

/** The server the PostgreSQL test databases are created on. */
export const PG_SERVER_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';

export const ADMIN_PASSWORD = 'admin-password-1';

export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  headers: Headers;
  data?: T;
  errors?: Array<{ message: string; extensions?: Record<string, any>; path?: string[] }>;
}

export interface RequestOptions {
  token?: string | null;
  headers?: Record<string, string>;
}

export interface TestGateway {
  dialect: DialectName;
  url: string;
  origin: string;
  services: Services;
  schema: GraphQLSchema;
  server: GatewayServer;
  /** A session token of the seeded supergod `admin`. */
  adminToken: string;
  /** Sends an operation over HTTP, as any GraphQL client would. */
  gql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    options?: RequestOptions,
  ): Promise<GraphQLResponse<T>>;
  /** Logs in and returns the bearer token; throws when the login fails. */
  login(username: string, password?: string): Promise<string>;
  /** Runs SQL on the gateway's database directly (`?` placeholders), to check what a request did. */
  sql<T = Record<string, any>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Every row of every table, ordered by primary key: compare two to prove nothing changed. */
  snapshot(): Promise<Record<string, unknown[]>>;
  close(): Promise<void>;
}

let counter = 0;

/** A fresh, empty PostgreSQL database; the returned function drops it. */
export async function createPgDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `mb_test_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const admin = new pg.Client({ connectionString: `${PG_SERVER_URL}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();

  return {
    url: `${PG_SERVER_URL}/${name}`,
    drop: async () => {
      const client = new pg.Client({ connectionString: `${PG_SERVER_URL}/postgres` });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}

/** A fresh database of the dialect: a SQLite file in a temporary folder, or a new PG database. */
export async function createTestDatabase(dialect: DialectName) {
  if (dialect === 'postgres') {
    return createPgDatabase();
  }
  const dir = mkdtempSync(join(tmpdir(), 'mb-test-'));

  return {
    url: `sqlite:${join(dir, 'test.sqlite')}`,
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Starts a real gateway on a fresh database of the dialect, migrated and seeded (the admin and,
 * unless `demo: false`, the demo data), listening on a free loopback port.
 */
export async function startTestGateway(
  dialect: DialectName,
  options: { demo?: boolean; env?: Record<string, string> } = {},
): Promise<TestGateway> {
  const database = await createTestDatabase(dialect);
  const config: Config = loadConfig({
    DATABASE_URL: database.url,
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...options.env,
  });
  const services = await openServices(config, createLogger(config.logLevel));
  await seedDatabase(services, { adminPassword: ADMIN_PASSWORD, demo: options.demo ?? true });
  const schema = buildSchema(services.registry);
  const server = await startGatewayServer(services, schema);

  const gql: TestGateway['gql'] = async (query, variables, requestOptions = {}) => {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      // What Apollo Client and urql send: request errors then come back as HTTP 400.
      accept: 'application/graphql-response+json, application/json;q=0.9',
      ...requestOptions.headers,
    };
    if (requestOptions.token) {
      headers.authorization = `Bearer ${requestOptions.token}`;
    }
    const response = await fetch(server.url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: any; errors?: any };

    return { status: response.status, headers: response.headers, ...body };
  };

  const login = async (username: string, password = ADMIN_PASSWORD) => {
    const result = await gql<{ login: { token: string } }>(
      'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }',
      { u: username, p: password },
    );
    if (!result.data?.login) {
      throw new Error(`login as ${username} failed: ${JSON.stringify(result.errors)}`);
    }

    return result.data.login.token;
  };

  const adminToken = await login('admin');

  return {
    dialect,
    url: server.url,
    origin: server.url.replace(/\/graphql$/, ''),
    services,
    schema,
    server,
    adminToken,
    gql,
    login,
    sql: (text, params) => {
      let n = 0;
      const sql = dialect === 'postgres' ? text.replace(/\?/g, () => `$${++n}`) : text;

      return services.db.query(sql, params);
    },
    snapshot: async () => {
      const tables: Record<string, unknown[]> = {};
      for (const entity of services.registry.entities) {
        tables[entity.name] = await services.db.query(
          `SELECT * FROM "${entity.name}" ORDER BY "${entity.primaryKey}"`,
        );
      }

      return tables;
    },
    close: async () => {
      await server.close();
      await services.db.close();
      await database.drop();
    },
  };
}

/** The code of the first error of a response. */
export function errorCode(response: GraphQLResponse): string | undefined {
  return response.errors?.[0]?.extensions?.code;
}

/** Fails with the response's errors when it has any; returns its data. */
export function dataOf<T>(response: GraphQLResponse<T>): T {
  if (response.errors?.length) {
    throw new Error(`unexpected errors: ${JSON.stringify(response.errors)}`);
  }

  return response.data as T;
}

/** Quotes an identifier for either dialect, for direct SQL in tests. */
export const q = (identifier: string) => `"${identifier}"`;
