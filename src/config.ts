import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The dialects the gateway can administer. */
export type DialectName = 'sqlite' | 'postgres';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** Settings of one gateway process, read from the environment and checked once at start. */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  dialect: DialectName;
  /** File of the SQLite database; undefined for PostgreSQL. */
  sqlitePath?: string;
  adminPassword?: string;
  seedDemo: boolean;
  production: boolean;
  sessionTtlHours: number;
  rateLimitReadsPerMinute: number;
  rateLimitWritesPerMinute: number;
  /** Operations per minute of all callers in one tenant; 0 for no tenant limit. */
  rateLimitTenantPerMinute: number;
  /** Operations per minute of the whole gateway; 0 for no global limit. */
  rateLimitGlobalPerMinute: number;
  /** Failed logins of one username, then of one address, before logins are refused a while. */
  loginAttemptsPerUsername: number;
  loginAttemptsPerIp: number;
  /** The window of the login limits and how long a refusal lasts. */
  loginBlockMinutes: number;
  /** `memory`, `postgres` (the gateway's database) or a `redis://` URL. */
  rateLimitStore: string;
  /** Prefix of the counters' keys: instances with the same prefix share one budget. */
  rateLimitKeyPrefix: string;
  maxUploadBytes: number;
  /** Largest request body that is not a multipart upload. */
  maxBodyBytes: number;
  limits: QueryLimits;
  /** How long `/readyz` waits for the database. */
  readyTimeoutMs: number;
  /** How long a shutdown waits for requests in flight before it closes their connections. */
  shutdownTimeoutMs: number;
  /** Files one multipart request may carry. */
  maxUploadFiles: number;
  corsOrigins: string[];
  /** Marks the session cookie Secure: set when the gateway is served over HTTPS. */
  secureCookies: boolean;
  logLevel: LogLevel;
  /** Seconds a statistics result is reused for the same tenant. */
  statsCacheSeconds: number;
  /** Accept only persisted operations, except from level-5 sessions (trusted documents). */
  persistedOperationsOnly: boolean;
  /** The manifest of persisted operations: SHA-256 hash to document text. */
  persistedOperationsFile: string;
}

/** What one GraphQL request may ask for; enforced by graphql-armor and yoga's batching. */
export interface QueryLimits {
  depth: number;
  cost: number;
  aliases: number;
  directives: number;
  tokens: number;
  /** Operations in one batched request; 0 turns batching off. */
  batch: number;
}

/** A setting with a value the gateway cannot use; the message names the variable and the value. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const LOG_LEVELS: LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];
const DEFAULT_DATABASE_URL = 'sqlite:./data/metabuilder.sqlite';
/** Written by `npm run codegen` from operations/*.graphql. */
const DEFAULT_PERSISTED_OPERATIONS_FILE = resolve(
  __dirname,
  '..',
  'operations',
  'generated',
  'persisted-documents.json',
);

/** Reads a `.env` file of KEY=value lines; variables already set win. */
export function readDotEnv(path = '.env', env: NodeJS.ProcessEnv = process.env): void {
  if (!existsSync(path)) {
    return;
  }
  for (const line of readFileSync(path, 'utf8').split(/\r?\n/)) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match || line.trimStart().startsWith('#')) {
      continue;
    }
    const value = match[2].replace(/^(['"])(.*)\1$/, '$2');
    env[match[1]] ??= value;
  }
}

function integer(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
    throw new ConfigError(`${name} must be an integer ${range}, got '${raw}'`);
  }

  return value;
}

function boolean(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  if (['true', '1', 'yes'].includes(raw.toLowerCase())) {
    return true;
  }
  if (['false', '0', 'no'].includes(raw.toLowerCase())) {
    return false;
  }
  throw new ConfigError(`${name} must be true or false, got '${raw}'`);
}

function parseDatabaseUrl(url: string): Pick<Config, 'dialect' | 'sqlitePath'> {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (path === '') {
      throw new ConfigError(`DATABASE_URL '${url}' names no file; use sqlite:<path>`);
    }

    return { dialect: 'sqlite', sqlitePath: path };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    return { dialect: 'postgres' };
  }
  throw new ConfigError(
    `DATABASE_URL '${url}' is not supported; use sqlite:<path> or postgres://user@host:port/db`,
  );
}

/** Builds the configuration from environment variables, with the documented defaults. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const nodeEnv = env.NODE_ENV ?? 'development';
  const production = nodeEnv === 'production';
  const databaseUrl = env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const logLevel = (env.LOG_LEVEL ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got '${logLevel}'`);
  }
  const rateLimitStore = env.RATE_LIMIT_STORE || 'memory';
  if (!['memory', 'postgres'].includes(rateLimitStore) && !/^rediss?:\/\//.test(rateLimitStore)) {
    throw new ConfigError(
      `RATE_LIMIT_STORE must be memory, postgres or a redis:// URL, got '${rateLimitStore}'`,
    );
  }
  if (rateLimitStore === 'postgres' && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError(
      "RATE_LIMIT_STORE 'postgres' keeps the limits in the gateway's database and needs a " +
        'postgres:// DATABASE_URL; use memory or a redis:// URL with SQLite',
    );
  }
  const adminPassword = env.ADMIN_PASSWORD || undefined;
  if (adminPassword !== undefined && adminPassword.length < 8) {
    throw new ConfigError('ADMIN_PASSWORD must have at least 8 characters');
  }

  return {
    port: integer(env, 'PORT', 4000, 0, 65535),
    host: env.HOST || '127.0.0.1',
    databaseUrl,
    ...parseDatabaseUrl(databaseUrl),
    adminPassword,
    seedDemo: production ? false : boolean(env, 'SEED_DEMO', true),
    production,
    sessionTtlHours: integer(env, 'SESSION_TTL_HOURS', 24, 1),
    rateLimitReadsPerMinute: integer(env, 'RATE_LIMIT_READS_PER_MINUTE', 100, 1),
    rateLimitWritesPerMinute: integer(env, 'RATE_LIMIT_WRITES_PER_MINUTE', 50, 1),
    rateLimitTenantPerMinute: integer(env, 'RATE_LIMIT_TENANT_PER_MINUTE', 1000, 0),
    rateLimitGlobalPerMinute: integer(env, 'RATE_LIMIT_GLOBAL_PER_MINUTE', 10000, 0),
    loginAttemptsPerUsername: integer(env, 'LOGIN_ATTEMPTS_PER_USERNAME', 5, 1),
    loginAttemptsPerIp: integer(env, 'LOGIN_ATTEMPTS_PER_IP', 20, 1),
    loginBlockMinutes: integer(env, 'LOGIN_BLOCK_MINUTES', 15, 1),
    rateLimitStore,
    rateLimitKeyPrefix: env.RATE_LIMIT_KEY_PREFIX || 'mb-rl',
    maxUploadBytes: integer(env, 'MAX_UPLOAD_BYTES', 104857600, 1),
    maxBodyBytes: integer(env, 'MAX_BODY_BYTES', 1048576, 1024),
    limits: {
      depth: integer(env, 'QUERY_MAX_DEPTH', 8, 1),
      cost: integer(env, 'QUERY_MAX_COST', 5000, 1),
      aliases: integer(env, 'QUERY_MAX_ALIASES', 15, 0),
      directives: integer(env, 'QUERY_MAX_DIRECTIVES', 20, 0),
      tokens: integer(env, 'QUERY_MAX_TOKENS', 2000, 1),
      batch: integer(env, 'QUERY_MAX_BATCH', 10, 0),
    },
    readyTimeoutMs: integer(env, 'READY_TIMEOUT_MS', 2000, 1),
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 30000, 0),
    maxUploadFiles: integer(env, 'MAX_UPLOAD_FILES', 1, 1),
    corsOrigins: (env.CORS_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    secureCookies: boolean(env, 'COOKIE_SECURE', false),
    logLevel,
    statsCacheSeconds: integer(env, 'STATS_CACHE_SECONDS', 30, 0),
    persistedOperationsOnly: boolean(env, 'PERSISTED_OPERATIONS_ONLY', false),
    persistedOperationsFile: env.PERSISTED_OPERATIONS_FILE || DEFAULT_PERSISTED_OPERATIONS_FILE,
  };
}
