/** The kinds of value a field holds, as the entity design names them. */
export type FieldKind = 'id' | 'string' | 'text' | 'int' | 'bool' | 'timestamp' | 'json' | 'enum';

/** A foreign key from a field to a field of another (or the same) entity type. */
export interface FieldReference {
  entityType: string;
  field: string;
  onDelete: 'CASCADE' | 'SET NULL' | 'NO ACTION' | 'RESTRICT';
}

/** An extra check on a field's value beyond its kind, length and set of values. */
export type FieldCheck = (value: unknown, record: Record<string, unknown>) => string | undefined;

/** How the API takes a secret field: under another name, turned into what is stored. */
export interface SecretInput {
  /** The name of the input field (`password` for `passwordHash`). */
  input: string;
  /** Turns the value given by a caller into the stored value. */
  store: (value: string) => Promise<string> | string;
  /** Checks a stored value that arrives as it is, from an import. */
  storedForm: RegExp;
  storedFormHint: string;
}

export interface FieldInfo {
  name: string;
  kind: FieldKind;
  nullable: boolean;
  primary: boolean;
  unique: boolean;
  /** Must be given on create: not nullable, and neither the database nor the gateway fills it. */
  required: boolean;
  maxLength?: number;
  minLength?: number;
  enumValues?: string[];
  references?: FieldReference;
  /** Never returned by a query, a list, an error or a log line. */
  secret?: SecretInput;
  /** The value a create or an import takes when the field is left out. */
  defaultValue?: () => unknown;
  /** Set to now on every update. */
  touchOnUpdate: boolean;
  /** Unique regardless of letter case. */
  uniqueIgnoringCase: boolean;
  /** Changed only by an actor that is not confined to a tenant. */
  instanceOnly: boolean;
  /** For a foreign key: a field the record pointed at must share with this record. */
  sameAs?: string;
  pattern?: { regex: RegExp; hint: string };
  min?: number;
  max?: number;
  checks: FieldCheck[];
  description: string;
}

/** A relation between two entity types, derived from a foreign key, seen from one side. */
export interface RelationInfo {
  name: string;
  /** The entity type at the other end. */
  target: string;
  /** The field of this entity type that is matched. */
  localField: string;
  /** The field of the target that is matched against `localField`. */
  targetField: string;
  /** Whether the other end holds many records (a reverse relation of a many-to-one). */
  many: boolean;
}

/** How a record of a type without its own tenantId belongs to a tenant: through a parent. */
export interface TenantPath {
  field: string;
  parent: string;
  parentField: string;
}

export interface EntityInfo {
  name: string;
  /** The name of the typed collection query (`users`, `packageData`). */
  collection: string;
  primaryKey: string;
  fields: FieldInfo[];
  fieldsByName: Map<string, FieldInfo>;
  /** Sessions and credentials: left out of exports unless asked for. */
  sensitive: boolean;
  /** The audit log: no write path. */
  readOnly: boolean;
  /** Fields a search looks into. */
  searchFields: string[];
  relations: RelationInfo[];
  /** Groups of fields unique together, with a null tenant counted as a value of its own. */
  uniqueGroups: string[][];
  /** `tenantId` when the table has one; otherwise the path to a parent that has. */
  tenantField?: string;
  tenantPath?: TenantPath;
  description: string;
}
