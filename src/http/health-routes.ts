import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Database } from '../db/database';
import type { Logger } from '../logger';

export interface HealthOptions {
  db: Database;
  logger: Logger;
  /** How long the database may take to answer `SELECT 1`. */
  timeoutMs: number;
  /** True once the gateway is shutting down: it is alive but takes no new work. */
  draining: () => boolean;
}

function sendJson(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  res
    .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
    .end(JSON.stringify(body));
}

/** Resolves when `work` does, rejects when it takes longer than `ms`. */
function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });

  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The probes of a container platform: `/healthz` answers 200 while the process runs;
 * `/readyz` answers 200 when the database answers `SELECT 1` within the timeout, else 503
 * (also while the gateway drains for shutdown). Returns false for any other path.
 */
export function handleHealthRoutes(
  options: HealthOptions,
  req: IncomingMessage,
  res: ServerResponse,
): boolean {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/healthz') {
    sendJson(res, 200, { status: 'ok' });
    return true;
  }
  if (path !== '/readyz') {
    return false;
  }
  if (options.draining()) {
    sendJson(res, 503, { status: 'unavailable', reason: 'shutting down' });
    return true;
  }
  const started = performance.now();
  within(options.db.query('SELECT 1 AS ok'), options.timeoutMs).then(
    () =>
      sendJson(res, 200, {
        status: 'ready',
        dialect: options.db.dialect.name,
        databaseMs: Math.round(performance.now() - started),
      }),
    (error: unknown) => {
      options.logger.warn({ err: (error as Error).message }, 'readiness check failed');
      sendJson(res, 503, { status: 'unavailable', reason: 'the database does not answer' });
    },
  );

  return true;
}
