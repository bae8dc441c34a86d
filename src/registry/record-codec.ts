import type { Dialect } from '../db/dialect';
import type { EntityInfo, FieldInfo } from './entity-info';

export type EntityRecord = Record<string, unknown>;

/** A stored value as the API returns it: booleans, JSON values and numbers as themselves. */
export function decodeValue(dialect: Dialect, field: FieldInfo, value: unknown): unknown {
  if (value === null || value === undefined) {
    return null;
  }
  switch (field.kind) {
    case 'bool':
      return dialect.decodeBoolean(value);
    case 'json':
      return dialect.decodeJson(value);
    case 'int':
    case 'timestamp':
      return Number(value);
    default:
      return value;
  }
}

/** A value as the database takes it as a parameter. */
export function encodeValue(dialect: Dialect, field: FieldInfo, value: unknown): unknown {
  if (value === null || value === undefined) {
    return null;
  }
  switch (field.kind) {
    case 'bool':
      return dialect.encodeBoolean(value as boolean);
    case 'json':
      return dialect.encodeJson(value);
    default:
      return value;
  }
}

/**
 * A row as a record, field by field in the entity's order. Secrets are left out unless asked for
 * (an export with sensitive types, the session check).
 */
export function decodeRecord(
  dialect: Dialect,
  entity: EntityInfo,
  row: Record<string, unknown>,
  withSecrets = false,
): EntityRecord {
  const record: EntityRecord = {};
  for (const field of entity.fields) {
    if (field.secret && !withSecrets) {
      continue;
    }
    record[field.name] = decodeValue(dialect, field, row[field.name]);
  }

  return record;
}
