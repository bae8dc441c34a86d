import { existsSync, readFileSync } from 'node:fs';

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
  rateLimitStore: string;
  maxUploadBytes: number;
  /** Files one multipart request may carry. */
  maxUploadFiles: number;
  corsOrigins: string[];
  /** Marks the session cookie Secure: set when the gateway is served over HTTPS. */
  secureCookies: boolean;
  logLevel: LogLevel;
  /** Seconds a statistics result is reused for the same tenant. */
  statsCacheSeconds: number;
}

/** A setting with a value the gateway cannot use; the message names the variable and the value. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const LOG_LEVELS: LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];
const DEFAULT_DATABASE_URL = 'sqlite:./data/metabuilder.sqlite';

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

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(`${name} must be an integer of at least ${min}, got '${raw}'`);
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
  const adminPassword = env.ADMIN_PASSWORD || undefined;
  if (adminPassword !== undefined && adminPassword.length < 8) {
    throw new ConfigError('ADMIN_PASSWORD must have at least 8 characters');
  }

  return {
    port: integer(env, 'PORT', 4000, 0),
    host: env.HOST || '127.0.0.1',
    databaseUrl,
    ...parseDatabaseUrl(databaseUrl),
    adminPassword,
    seedDemo: production ? false : boolean(env, 'SEED_DEMO', true),
    production,
    sessionTtlHours: integer(env, 'SESSION_TTL_HOURS', 24, 1),
    rateLimitReadsPerMinute: integer(env, 'RATE_LIMIT_READS_PER_MINUTE', 100, 1),
    rateLimitWritesPerMinute: integer(env, 'RATE_LIMIT_WRITES_PER_MINUTE', 50, 1),
    rateLimitStore,
    maxUploadBytes: integer(env, 'MAX_UPLOAD_BYTES', 104857600, 1),
    maxUploadFiles: integer(env, 'MAX_UPLOAD_FILES', 1, 1),
    corsOrigins: (env.CORS_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    secureCookies: boolean(env, 'COOKIE_SECURE', false),
    logLevel,
    statsCacheSeconds: integer(env, 'STATS_CACHE_SECONDS', 30, 0),
  };
}
