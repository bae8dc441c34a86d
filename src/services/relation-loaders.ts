import DataLoader from 'dataloader';
import type { EntityRecord } from '../registry/record-codec';
import type { EntityService } from './entity-service';
import type { Actor } from './record-query';

/**
 * Per-request DataLoaders that fetch related records: every key asked for while resolving one
 * level of a query goes out as one `WHERE field IN (...)`, so a page of N rows costs a fixed
 * number of statements.
 */
export class RelationLoaders {
  private readonly loaders = new Map<string, DataLoader<unknown, EntityRecord[]>>();

  constructor(
    private readonly entities: EntityService,
    private readonly actor: Actor,
  ) {}

  /** The records of `entityType` whose `field` equals `key`. */
  many(entityType: string, field: string, key: unknown): Promise<EntityRecord[]> {
    if (key === null || key === undefined) {
      return Promise.resolve([]);
    }

    return this.loader(entityType, field).load(key);
  }

  /** The one record of `entityType` whose `field` equals `key`, or null. */
  async one(entityType: string, field: string, key: unknown): Promise<EntityRecord | null> {
    const [record] = await this.many(entityType, field, key);

    return record ?? null;
  }

  private loader(entityType: string, field: string): DataLoader<unknown, EntityRecord[]> {
    const id = `${entityType}.${field}`;
    let loader = this.loaders.get(id);
    if (!loader) {
      loader = new DataLoader(
        async (keys) => {
          const records = await this.entities.loadBy(this.actor, entityType, field, keys);
          const grouped = new Map<string, EntityRecord[]>();
          for (const record of records) {
            const key = String(record[field]);
            grouped.set(key, [...(grouped.get(key) ?? []), record]);
          }

          return keys.map((key) => grouped.get(String(key)) ?? []);
        },
        { cacheKeyFn: (key) => String(key), maxBatchSize: 1000 },
      );
      this.loaders.set(id, loader);
    }

    return loader;
  }
}
