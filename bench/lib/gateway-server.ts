import { ROOT_DIR } from './bench-modules';
import { type ChildServer, startChildServer } from './child-server';
import { graphqlRequest } from './graphql-request';

export const BENCH_ADMIN = { username: 'bench-admin', password: 'bench-admin-password' };

/** The gateway under test, over HTTP, signed in as a level-5 administrator. */
export interface GatewayServer extends ChildServer {
  headers: Record<string, string>;
}

/**
 * Starts `tsx src/main.ts serve` on a free port against `databaseUrl`, as a separate process so
 * that the load generator and the gateway do not share an event loop, and logs in as the admin.
 */
export async function startGateway(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<GatewayServer> {
  const { NODE_ENV: _ignored, ...inherited } = process.env;
  const server = await startChildServer({
    name: `gateway (${databaseUrl.split(':')[0]})`,
    args: ['--import', 'tsx', 'src/main.ts', 'serve'],
    cwd: ROOT_DIR,
    env: {
      ...inherited,
      DATABASE_URL: databaseUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      SEED_DEMO: 'false',
      // Budgets far above what a run sends: the limiters still count every request, as in
      // production, but none refuses one.
      RATE_LIMIT_READS_PER_MINUTE: '100000000',
      RATE_LIMIT_WRITES_PER_MINUTE: '100000000',
      RATE_LIMIT_TENANT_PER_MINUTE: '100000000',
      RATE_LIMIT_GLOBAL_PER_MINUTE: '100000000',
      ...env,
    },
    ready: /on (http:\/\/\S+\/graphql)/,
  });
  try {
    const data = await graphqlRequest(server.url, {
      query: 'mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { token } }',
      variables: { u: BENCH_ADMIN.username, p: BENCH_ADMIN.password },
    });
    const token = (data.login as { token: string }).token;

    return { ...server, headers: { authorization: `Bearer ${token}` } };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
