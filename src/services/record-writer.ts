import type { Queryable } from '../db/database';
import type { EntityInfo } from '../registry/entity-info';
import { encodeValue, type EntityRecord } from '../registry/record-codec';
import { SqlParams } from './sql-params';

/** Parameters per statement, kept under both SQLite's and PostgreSQL's limits. */
const MAX_PARAMS = 30000;

/**
 * Inserts records in their stored form with multi-row INSERTs, as few statements as the
 * parameter limits allow. Every record must hold every field (null where empty).
 */
export async function insertRecords(
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
    await q.query(
      `INSERT INTO ${params.column(entity.name)} (${columns}) VALUES ${rows.join(', ')}`,
      params.values,
    );
  }
}

/** Updates the given fields of the record with that primary key. */
export async function updateRecord(
  q: Queryable,
  entity: EntityInfo,
  key: unknown,
  changes: EntityRecord,
): Promise<void> {
  const params = new SqlParams(q.dialect);
  const assignments = Object.entries(changes).map(([name, value]) => {
    const field = entity.fieldsByName.get(name)!;

    return `${params.column(name)} = ${params.add(encodeValue(q.dialect, field, value))}`;
  });
  if (assignments.length === 0) {
    return;
  }
  const where = `${params.column(entity.primaryKey)} = ${params.add(key)}`;
  await q.query(
    `UPDATE ${params.column(entity.name)} SET ${assignments.join(', ')} WHERE ${where}`,
    params.values,
  );
}

/** Deletes the records with these primary keys; the database cascades to their children. */
export async function deleteRecords(q: Queryable, entity: EntityInfo, keys: unknown[]) {
  if (keys.length === 0) {
    return;
  }
  const params = new SqlParams(q.dialect);
  const list = keys.map((key) => params.add(key)).join(', ');
  await q.query(
    `DELETE FROM ${params.column(entity.name)} WHERE ${params.column(entity.primaryKey)} IN (${list})`,
    params.values,
  );
}
