import { bulkInsert } from '../../db/bulk-insert';
import type { Queryable } from '../../db/database';
import type { EntityInfo } from '../../registry/entity-info';
import { encodeValue, type EntityRecord } from '../../registry/record-codec';

/**
 * Writes records in their stored form, many per statement. With `update`, a record overwrites
 * the stored record with the same primary key. Every record must hold every field.
 */
export function storeRecords(
  q: Queryable,
  entity: EntityInfo,
  records: EntityRecord[],
  update: boolean,
): Promise<void> {
  const fields = entity.fields;

  return bulkInsert(q, {
    table: entity.name,
    columns: fields.map((field) => ({ name: field.name, kind: field.kind })),
    rows: records.map((record) =>
      fields.map((field) => encodeValue(q.dialect, field, record[field.name] ?? null)),
    ),
    updateOnConflict: update ? entity.primaryKey : undefined,
  });
}
