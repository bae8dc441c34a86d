import type { Queryable } from '../../db/database';
import type { EntityInfo } from '../../registry/entity-info';
import { encodeValue, type EntityRecord } from '../../registry/record-codec';
import { SqlParams } from '../sql-params';

/** Parameters per statement, under both SQLite's and PostgreSQL's limits. */
const MAX_PARAMS = 30000;

/**
 * Writes whole records over the stored records with the same primary keys, many per statement
 * (`INSERT … ON CONFLICT (key) DO UPDATE`, which both dialects read alike). Every record must
 * hold every field.
 */
export async function upsertRecords(
  q: Queryable,
  entity: EntityInfo,
  records: EntityRecord[],
): Promise<void> {
  const fields = entity.fields;
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / fields.length));
  for (let start = 0; start < records.length; start += perStatement) {
    const params = new SqlParams(q.dialect);
    const rows = records.slice(start, start + perStatement).map((record) => {
      const values = fields.map((f) =>
        params.add(encodeValue(q.dialect, f, record[f.name] ?? null)),
      );

      return `(${values.join(', ')})`;
    });
    const columns = fields.map((f) => params.column(f.name)).join(', ');
    const assignments = fields
      .filter((f) => !f.primary)
      .map((f) => `${params.column(f.name)} = excluded.${params.column(f.name)}`)
      .join(', ');
    await q.query(
      `INSERT INTO ${params.column(entity.name)} (${columns}) VALUES ${rows.join(', ')} ` +
        `ON CONFLICT (${params.column(entity.primaryKey)}) DO UPDATE SET ${assignments}`,
      params.values,
    );
  }
}
