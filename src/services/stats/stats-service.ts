import type { Database } from '../../db/database';
import type { Logger } from '../../logger';
import type { EntityRegistry } from '../../registry/entity-registry';
import type { Actor } from '../record-query';
import type { DatabaseStats } from './database-stats';
import { collectDatabaseStats } from './stats-collector';

export interface DatabaseStatsOptions {
  /** Include the per-table list. */
  detailed?: boolean;
  /** Read sizes of tables, indexes and the database; on SQLite this reads every page. */
  storage?: boolean;
}

interface CacheEntry {
  startedAt: number;
  stats: Promise<DatabaseStats>;
}

/**
 * Database statistics for the health dashboard, cached per tenant (and per choice of storage
 * figures) for the configured number of seconds, so that a dashboard polling every second costs
 * the database one collection per period. Callers asking at the same moment share one collection.
 */
export class StatsService {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(
    private readonly db: Database,
    private readonly registry: EntityRegistry,
    private readonly cacheSeconds: number,
    private readonly logger: Logger,
  ) {}

  async databaseStats(actor: Actor, options: DatabaseStatsOptions = {}): Promise<DatabaseStats> {
    const storage = options.storage ?? false;
    const stats = await this.cached(actor.tenantId, storage);

    return options.detailed ? stats : { ...stats, tables: [] };
  }

  private cached(tenantId: string | null, storage: boolean): Promise<DatabaseStats> {
    const now = Date.now();
    const ttl = this.cacheSeconds * 1000;
    for (const [key, entry] of this.cache) {
      if (now - entry.startedAt >= ttl) {
        this.cache.delete(key);
      }
    }
    const key = JSON.stringify([tenantId, storage]);
    const hit = this.cache.get(key);
    if (hit) {
      return hit.stats;
    }

    const stats = this.collect(tenantId, storage);
    if (ttl > 0) {
      this.cache.set(key, { startedAt: now, stats });
      // A failed collection is not kept: the next caller tries again.
      stats.catch(() => {
        if (this.cache.get(key)?.stats === stats) {
          this.cache.delete(key);
        }
      });
    }

    return stats;
  }

  private async collect(tenantId: string | null, storage: boolean): Promise<DatabaseStats> {
    const actor: Actor = { userId: null, tenantId };
    const stats = await collectDatabaseStats(this.db, this.registry, actor, { storage });
    this.logger.debug(
      { tenantId, storage, records: stats.totalRecords, health: stats.health },
      'database statistics collected',
    );

    return stats;
  }
}
