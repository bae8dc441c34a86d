import type { DataSource, EntityMetadata } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { badRequest, unknownChoice } from '../errors';
import type { EntityInfo, FieldInfo, FieldKind, FieldReference, RelationInfo } from './entity-info';
import { ENTITY_RULES, type EntityRule, type FieldRule } from './entity-rules';

const INT32 = { min: -2147483648, max: 2147483647 };

function kindOf(column: ColumnMetadata, rule: FieldRule, isReference: boolean): FieldKind {
  if (rule.json) {
    return 'json';
  }
  if (rule.enumValues) {
    return 'enum';
  }
  switch (String(column.type)) {
    case 'integer':
      return 'int';
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'timestamp';
    case 'jsonb':
      return 'json';
    case 'varchar':
      return 'string';
    default:
      // Free text columns hold ids when they are keys or point at keys.
      return column.isPrimary || isReference || /Id$/.test(column.propertyName) ? 'id' : 'text';
  }
}

/** The database default of a column as a value, for the columns that have one. */
function columnDefault(column: ColumnMetadata, kind: FieldKind): (() => unknown) | undefined {
  const raw = column.default as unknown;
  if (raw === undefined || raw === null) {
    return undefined;
  }
  if (kind === 'json') {
    const value = JSON.parse(String(raw));

    return () => structuredClone(value);
  }

  return () => raw;
}

function describeField(field: Omit<FieldInfo, 'description'>): string {
  const parts: string[] = [];
  if (field.primary) {
    parts.push('primary key');
  }
  if (field.maxLength) {
    parts.push(`up to ${field.maxLength} characters`);
  }
  if (field.enumValues) {
    parts.push(`one of ${field.enumValues.join(', ')}`);
  }
  if (field.kind === 'timestamp') {
    parts.push('milliseconds since the epoch');
  }
  if (field.references) {
    const ref = field.references;
    parts.push(
      `refers to ${ref.entityType}.${ref.field} (${ref.onDelete.toLowerCase()} on delete)`,
    );
  }
  if (field.unique) {
    parts.push('unique');
  }
  parts.push(field.required ? 'required' : field.nullable ? 'optional' : 'has a default');

  return `${field.name}: ${parts.join('; ')}.`;
}

function buildFields(meta: EntityMetadata, rule: EntityRule): FieldInfo[] {
  const references = new Map<string, FieldReference>();
  for (const fk of meta.foreignKeys) {
    references.set(fk.columns[0].propertyName, {
      entityType: fk.referencedEntityMetadata.name,
      field: fk.referencedColumns[0].propertyName,
      onDelete: (fk.onDelete ?? 'NO ACTION') as FieldReference['onDelete'],
    });
  }
  const uniques = new Set(
    [...meta.uniques, ...meta.indices.filter((index) => index.isUnique)]
      .filter((u) => u.columns.length === 1)
      .map((u) => u.columns[0].propertyName),
  );

  return meta.columns.map((column) => {
    const name = column.propertyName;
    const fieldRule = rule.fields[name] ?? {};
    const reference = references.get(name);
    const kind = kindOf(column, fieldRule, reference !== undefined);
    const defaultValue = fieldRule.defaultValue ?? columnDefault(column, kind);
    const length = column.length ? Number(column.length) : undefined;
    const field: Omit<FieldInfo, 'description'> = {
      name,
      kind,
      nullable: column.isNullable,
      primary: column.isPrimary,
      unique: column.isPrimary || uniques.has(name),
      required: !column.isNullable && defaultValue === undefined,
      maxLength: length,
      minLength: fieldRule.minLength,
      enumValues: fieldRule.enumValues ? [...fieldRule.enumValues] : undefined,
      references: reference,
      secret: fieldRule.secret,
      defaultValue,
      touchOnUpdate: fieldRule.touchOnUpdate ?? false,
      uniqueIgnoringCase: fieldRule.uniqueIgnoringCase ?? false,
      instanceOnly: fieldRule.instanceOnly ?? false,
      sameAs: fieldRule.sameAs,
      pattern: fieldRule.pattern,
      min: fieldRule.min ?? (kind === 'int' ? INT32.min : undefined),
      max: fieldRule.max ?? (kind === 'int' ? INT32.max : undefined),
      checks: fieldRule.checks ?? [],
    };

    return { ...field, description: fieldRule.description ?? describeField(field) };
  });
}

function buildRelations(meta: EntityMetadata): RelationInfo[] {
  return meta.relations.map((relation) => {
    const target = relation.inverseEntityMetadata.name;
    if (relation.joinColumns.length > 0) {
      // This side holds the foreign key.
      const join = relation.joinColumns[0];

      return {
        name: relation.propertyName,
        target,
        localField: join.propertyName,
        targetField:
          join.referencedColumn?.propertyName ??
          relation.inverseEntityMetadata.primaryColumns[0].propertyName,
        many: false,
      };
    }
    const inverse = relation.inverseRelation;
    const join = inverse?.joinColumns[0];
    if (!inverse || !join) {
      throw new Error(`Relation ${meta.name}.${relation.propertyName} has no owning side`);
    }

    return {
      name: relation.propertyName,
      target,
      localField: join.referencedColumn?.propertyName ?? meta.primaryColumns[0].propertyName,
      targetField: join.propertyName,
      many: relation.relationType === 'one-to-many',
    };
  });
}

/**
 * Orders entity types so that every type comes after the types it points at (self references
 * aside), keeping the declaration order where the foreign keys leave a choice.
 */
function foreignKeyOrder(entities: EntityInfo[]): EntityInfo[] {
  const placed: EntityInfo[] = [];
  const remaining = [...entities];
  while (remaining.length > 0) {
    const index = remaining.findIndex((entity) =>
      entity.fields.every((field) => {
        const target = field.references?.entityType;

        return !target || target === entity.name || placed.some((p) => p.name === target);
      }),
    );
    if (index < 0) {
      throw new Error(`Foreign keys form a cycle among ${remaining.map((e) => e.name).join(', ')}`);
    }
    placed.push(...remaining.splice(index, 1));
  }

  return placed;
}

/**
 * The entity registry: every entity type with its fields, keys, relations and rules, derived once
 * from the TypeORM metadata plus `ENTITY_RULES`. Everything generic (schema, filters, validation,
 * export, import) reads it; no code switches on an entity type's name.
 */
export class EntityRegistry {
  /** Every entity type, parents before children. */
  readonly entities: EntityInfo[];
  private readonly byName: Map<string, EntityInfo>;

  constructor(source: DataSource) {
    const entities = source.entityMetadatas.map((meta): EntityInfo => {
      const rule = ENTITY_RULES[meta.name];
      if (!rule) {
        throw new Error(`Entity ${meta.name} has no entry in ENTITY_RULES`);
      }
      const fields = buildFields(meta, rule);
      const fieldsByName = new Map(fields.map((field) => [field.name, field]));
      for (const name of Object.keys(rule.fields)) {
        if (!fieldsByName.has(name)) {
          throw new Error(`ENTITY_RULES.${meta.name} names field ${name}, which has no column`);
        }
      }
      const tenantField = fieldsByName.has('tenantId') ? 'tenantId' : undefined;

      return {
        name: meta.name,
        collection: rule.collection,
        primaryKey: meta.primaryColumns[0].propertyName,
        fields,
        fieldsByName,
        sensitive: rule.sensitive ?? false,
        readOnly: rule.readOnly ?? false,
        searchFields:
          rule.search ??
          fields
            .filter((f) => ['string', 'text', 'enum'].includes(f.kind) && !f.secret)
            .map((f) => f.name),
        relations: buildRelations(meta),
        uniqueGroups: rule.uniqueGroups ?? [],
        tenantField,
        tenantPath: tenantField ? undefined : rule.tenantPath,
        description: rule.description,
      };
    });

    // A type without tenantId belongs to the tenant of the parent its required foreign key names.
    for (const entity of entities) {
      if (entity.tenantField || entity.tenantPath) {
        continue;
      }
      const owner = entity.fields.find(
        (f) => f.references && !f.nullable && f.references.entityType !== entity.name,
      );
      if (owner?.references) {
        entity.tenantPath = {
          field: owner.name,
          parent: owner.references.entityType,
          parentField: owner.references.field,
        };
      }
    }

    this.entities = foreignKeyOrder(entities);
    this.byName = new Map(this.entities.map((entity) => [entity.name, entity]));
  }

  get names(): string[] {
    return this.entities.map((entity) => entity.name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The entity type of that name, or a BAD_REQUEST listing the valid ones. */
  get(name: string): EntityInfo {
    const entity = this.byName.get(name);
    if (!entity) {
      throw badRequest(unknownChoice('entity type', name, this.names), { entityType: name });
    }

    return entity;
  }

  /** The field of that name, or a BAD_REQUEST naming the valid fields of the type. */
  field(entity: EntityInfo, name: string, purpose = 'field'): FieldInfo {
    const field = entity.fieldsByName.get(name);
    if (!field || field.secret) {
      const valid = entity.fields.filter((f) => !f.secret).map((f) => f.name);
      throw badRequest(unknownChoice(`${purpose} of ${entity.name}`, name, valid), {
        field: name,
      });
    }

    return field;
  }

  /** The fields a caller may read: all but the secrets. */
  visibleFields(entity: EntityInfo): FieldInfo[] {
    return entity.fields.filter((field) => !field.secret);
  }

  /** The entity types whose records point at `entity`, with the pointing field. */
  referencing(entity: EntityInfo): Array<{ child: EntityInfo; field: FieldInfo }> {
    return this.entities.flatMap((child) =>
      child.fields
        .filter((field) => field.references?.entityType === entity.name)
        .map((field) => ({ child, field })),
    );
  }
}
