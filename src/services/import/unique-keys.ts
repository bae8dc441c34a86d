import { quote } from '../../errors';
import type { EntityInfo } from '../../registry/entity-info';
import type { EntityRecord } from '../../registry/record-codec';

/** Fields whose values no two records of a type may share: primary key, unique field or group. */
export interface UniqueKey {
  fields: string[];
  /** A group compares a null as a value of its own, as the database index does. */
  group: boolean;
}

/** The unique keys of a type, the primary key first. */
export function uniqueKeysOf(entity: EntityInfo): UniqueKey[] {
  const single = entity.fields
    .filter((field) => field.unique && !field.primary)
    .map((field) => ({ fields: [field.name], group: false }));
  const groups = entity.uniqueGroups.map((fields) => ({ fields, group: true }));

  return [{ fields: [entity.primaryKey], group: false }, ...single, ...groups];
}

/** The value of a key in a record, as text; undefined where a single field is null. */
export function keyValue(key: UniqueKey, record: EntityRecord): string | undefined {
  if (!key.group) {
    const value = record[key.fields[0]];

    return value === null || value === undefined ? undefined : String(value);
  }

  return JSON.stringify(key.fields.map((name) => record[name] ?? ''));
}

/** How a key reads in a message: `username 'alice'`, `tenantId 'acme' and path '/'`. */
export function describeKey(key: UniqueKey, record: EntityRecord): string {
  return key.fields.map((name) => `${name} ${quote(record[name] ?? null)}`).join(' and ');
}
