import { join } from 'node:path';
import { BENCH_DIR, ensureBenchModules } from './bench-modules';
import { type ChildServer, startChildServer } from './child-server';

/** Starts PostGraphile 4 in its own process over the same database as the gateway. */
export function startPostGraphile(databaseUrl: string, countSql = false): Promise<ChildServer> {
  ensureBenchModules();

  return startChildServer({
    name: 'PostGraphile',
    args: ['--import', 'tsx', join(BENCH_DIR, 'lib', 'postgraphile-main.ts')],
    cwd: BENCH_DIR,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: '0',
      NODE_ENV: 'production',
      COUNT_SQL: String(countSql),
    },
    ready: /on (http:\/\/\S+\/graphql)/,
  });
}
