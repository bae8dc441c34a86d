import type { EntitySchemaColumnOptions } from 'typeorm';
import type { DialectName } from '../../config';

/** Column definitions shared by the entities; only JSON is stored differently per dialect. */
export interface ColumnKit {
  id(options?: Partial<EntitySchemaColumnOptions>): EntitySchemaColumnOptions;
  string(length: number, options?: Partial<EntitySchemaColumnOptions>): EntitySchemaColumnOptions;
  text(options?: Partial<EntitySchemaColumnOptions>): EntitySchemaColumnOptions;
  int(options?: Partial<EntitySchemaColumnOptions>): EntitySchemaColumnOptions;
  bool(options?: Partial<EntitySchemaColumnOptions>): EntitySchemaColumnOptions;
  timestamp(options?: Partial<EntitySchemaColumnOptions>): EntitySchemaColumnOptions;
  json(options?: Partial<EntitySchemaColumnOptions>): EntitySchemaColumnOptions;
}

export function columnKit(dialect: DialectName): ColumnKit {
  return {
    id: (options) => ({ type: 'text', ...options }),
    string: (length, options) => ({ type: 'varchar', length, ...options }),
    text: (options) => ({ type: 'text', ...options }),
    int: (options) => ({ type: 'integer', ...options }),
    bool: (options) => ({ type: 'boolean', ...options }),
    timestamp: (options) => ({ type: 'bigint', ...options }),
    json: (options) => ({ type: dialect === 'postgres' ? 'jsonb' : 'text', ...options }),
  };
}
