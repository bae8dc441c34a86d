import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import pg from 'pg';
import { DataSource } from 'typeorm';
import type { Config } from '../config';
import { entitySchemas } from './entities';
import { InitialSchema1764700000000 } from './migrations/1764700000000-initial-schema';
import { CaseInsensitiveUserKeys1764800000000 } from './migrations/1764800000000-case-insensitive-user-keys';

// bigint (timestamps, count(*) and sizes) as numbers: every value the gateway stores fits in 2^53.
pg.types.setTypeParser(20, Number);
// numeric (sums and ratios) as numbers.
pg.types.setTypeParser(1700, Number);

/** The migrations, oldest first; the same classes serve SQLite and PostgreSQL. */
export const MIGRATIONS = [InitialSchema1764700000000, CaseInsensitiveUserKeys1764800000000];

/** A TypeORM data source for the configured database, not yet connected. */
export function createDataSource(config: Pick<Config, 'dialect' | 'databaseUrl' | 'sqlitePath'>) {
  const common = {
    entities: entitySchemas(config.dialect),
    migrations: MIGRATIONS,
    logging: false,
  };
  if (config.dialect === 'sqlite') {
    const path = resolve(config.sqlitePath ?? ':memory:');
    if (config.sqlitePath !== ':memory:') {
      mkdirSync(dirname(path), { recursive: true });
    }

    return new DataSource({
      type: 'sqlite',
      database: config.sqlitePath === ':memory:' ? ':memory:' : path,
      enableWAL: true,
      busyTimeout: 10000,
      ...common,
    });
  }

  return new DataSource({
    type: 'postgres',
    url: config.databaseUrl,
    extra: { max: 10, connectionTimeoutMillis: 5000 },
    ...common,
  });
}
