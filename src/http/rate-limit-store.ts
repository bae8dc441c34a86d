import Redis from 'ioredis';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRedis,
} from 'rate-limiter-flexible';
import type { Config } from '../config';
import type { Database } from '../db/database';
import type { Logger } from '../logger';

/** One budget: `points` per `durationSeconds`, counted per key. */
export interface LimiterOptions {
  name: string;
  points: number;
  durationSeconds: number;
}

/**
 * Where rate-limit counters live: in this process (`memory`), or in a store that several
 * gateway instances share (`redis://…`, or `postgres`, a table of the gateway's database). A
 * shared store that fails falls back to counting in memory, so that an outage of the store
 * does not stop the gateway.
 */
export interface RateLimitStore {
  readonly kind: 'memory' | 'redis' | 'postgres';
  limiter(options: LimiterOptions): RateLimiterAbstract;
  close(): Promise<void>;
}

/** The table of the `postgres` store; not an entity, so the browser never lists it. */
export const RATE_LIMIT_TABLE = 'gateway_rate_limits';

const inMemory = (prefix: string) => (options: LimiterOptions) =>
  new RateLimiterMemory({
    keyPrefix: `${prefix}:${options.name}`,
    points: options.points,
    duration: options.durationSeconds,
  });

/** Opens the store that `RATE_LIMIT_STORE` names. */
export async function openRateLimitStore(
  config: Pick<Config, 'rateLimitStore' | 'rateLimitKeyPrefix'>,
  db: Database,
  logger: Logger,
): Promise<RateLimitStore> {
  const prefix = config.rateLimitKeyPrefix;
  if (config.rateLimitStore === 'memory') {
    return { kind: 'memory', limiter: inMemory(prefix), close: async () => undefined };
  }
  if (config.rateLimitStore === 'postgres') {
    return openPostgresStore(db, prefix);
  }

  return openRedisStore(config.rateLimitStore, prefix, logger);
}

async function openRedisStore(
  url: string,
  prefix: string,
  logger: Logger,
): Promise<RateLimitStore> {
  const memory = inMemory(prefix);
  const client = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
  });
  client.on('error', (error: Error) =>
    logger.warn({ err: error.message }, 'rate limit store: redis error'),
  );
  try {
    await client.connect();
  } catch (error) {
    // ioredis keeps reconnecting; until then the limits are counted in memory.
    logger.warn({ err: (error as Error).message }, 'rate limit store: redis not reachable yet');
  }

  return {
    kind: 'redis',
    limiter: (options) =>
      new RateLimiterRedis({
        storeClient: client,
        rejectIfRedisNotReady: true,
        keyPrefix: `${prefix}:${options.name}`,
        points: options.points,
        duration: options.durationSeconds,
        insuranceLimiter: memory(options),
      }),
    close: async () => {
      client.disconnect();
    },
  };
}

async function openPostgresStore(db: Database, prefix: string): Promise<RateLimitStore> {
  const memory = inMemory(prefix);
  await db.query(
    `CREATE TABLE IF NOT EXISTS "${RATE_LIMIT_TABLE}" ` +
      '(key varchar(255) PRIMARY KEY, points integer NOT NULL DEFAULT 0, expire bigint)',
  );
  // The pool of TypeORM's PostgreSQL driver: the limits use the gateway's own connections.
  const pool = (db.source.driver as unknown as { master: unknown }).master;
  let first = true;

  return {
    kind: 'postgres',
    limiter: (options) => {
      const limiter = new RateLimiterPostgres({
        storeClient: pool,
        storeType: 'pool',
        tableName: RATE_LIMIT_TABLE,
        tableCreated: true,
        // One table serves every limiter; one of them is enough to clear expired rows.
        clearExpiredByTimeout: first,
        keyPrefix: `${prefix}:${options.name}`,
        points: options.points,
        duration: options.durationSeconds,
        insuranceLimiter: memory(options),
      });
      first = false;

      return limiter;
    },
    close: async () => undefined,
  };
}
