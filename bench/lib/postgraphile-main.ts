import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Pool as PgPool, PoolClient } from 'pg';
import { benchModule } from './bench-modules';

/**
 * PostGraphile 4 over DATABASE_URL on a free port, as the reference the gateway is measured
 * against. With COUNT_SQL=true every statement it sends is printed as one `sql` line.
 */
async function main(): Promise<void> {
  const { Pool } = benchModule<{ Pool: new (config: object) => PgPool }>('pg');
  const { postgraphile } = benchModule<{
    postgraphile: (
      pool: PgPool,
      schema: string,
      options: object,
    ) => Parameters<typeof createServer>[1];
  }>('postgraphile');

  // The same pool size as the gateway's.
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
  if (process.env.COUNT_SQL === 'true') {
    pool.on('connect', (client: PoolClient) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as unknown as { query: typeof query }).query = (...args: unknown[]) => {
        process.stdout.write('sql\n');

        return query(...args);
      };
    });
  }
  const handler = postgraphile(pool, 'public', {
    graphqlRoute: '/graphql',
    disableQueryLog: true,
    dynamicJson: true,
    setofFunctionsContainNulls: false,
    ignoreRBAC: false,
    retryOnInitFail: false,
  });
  const server = createServer(handler);
  await new Promise<void>((resolve) =>
    server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', resolve),
  );
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`PostGraphile on http://127.0.0.1:${port}/graphql\n`);
  process.once('SIGTERM', () => {
    server.close();
    void pool.end().then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
