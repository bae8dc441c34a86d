import type { Config } from './config';
import { Database } from './db/database';
import { createDataSource } from './db/data-source';
import type { Logger } from './logger';
import { EntityRegistry } from './registry/entity-registry';
import { createServices, type Services } from './services';

/**
 * Connects to the configured database, brings its schema up to date and builds the services.
 * The caller closes `services.db` when done.
 */
export async function openServices(
  config: Config,
  logger: Logger,
  migrate = true,
): Promise<Services> {
  const source = createDataSource(config);
  await source.initialize();
  const db = new Database(source, logger);
  try {
    if (migrate) {
      const applied = await source.runMigrations({ transaction: 'all' });
      for (const migration of applied) {
        logger.info({ migration: migration.name }, 'migration applied');
      }
    }

    return createServices(config, logger, db, new EntityRegistry(source));
  } catch (error) {
    await db.close();
    throw error;
  }
}
