import type { EntityInfo, FieldInfo, FieldReference } from '../registry/entity-info';
import type { EntityRegistry } from '../registry/entity-registry';
import type { DeleteResult, EntityCount, Pagination, SortOrder } from '../services/entity-service';
import type { Builder } from './builder';

/** The GraphQL type a field of each kind takes. */
export const GRAPHQL_SCALAR = {
  id: 'ID',
  string: 'String',
  text: 'String',
  enum: 'String',
  int: 'Int',
  bool: 'Boolean',
  timestamp: 'Timestamp',
  json: 'JSON',
} as const;

/** The types every area of the schema shares. */
export function addCommonTypes(builder: Builder, registry: EntityRegistry) {
  const EntityType = builder.enumType('EntityType', {
    description: 'Every table of the database, in foreign-key order (parents first).',
    values: Object.fromEntries(
      registry.entities.map((e) => [e.name, { value: e.name, description: e.description }]),
    ),
  });

  const SortOrderRef = builder.enumType('SortOrder', {
    description: 'Ascending or descending. Nulls come first going up and last going down.',
    values: {
      ASC: { value: 'ASC' as SortOrder, description: 'Smallest first: A to Z, oldest first.' },
      DESC: { value: 'DESC' as SortOrder, description: 'Largest first: Z to A, newest first.' },
    },
  });

  const SqlDialectRef = builder.enumType('SqlDialect', {
    description: 'The SQL dialects the gateway speaks.',
    values: {
      SQLITE: { value: 'SQLITE' as const, description: 'SQLite.' },
      POSTGRES: { value: 'POSTGRES' as const, description: 'PostgreSQL.' },
    },
  });

  const ExportFormat = builder.enumType('ExportFormat', {
    description: 'The file formats of exports and imports.',
    values: {
      JSON: {
        value: 'JSON' as const,
        description: '{ exportedAt, version, entities: { Type: [records] } }',
      },
      YAML: { value: 'YAML' as const, description: 'The same shape as JSON, in YAML.' },
      SQL: {
        value: 'SQL' as const,
        description: 'INSERT statements, parents first, in one transaction.',
      },
    },
  });

  const PaginationRef = builder.objectRef<Pagination>('Pagination').implement({
    description: 'Where a page sits among all matching records.',
    fields: (t) => ({
      page: t.exposeInt('page', { description: 'The page number, counting from 0.' }),
      limit: t.exposeInt('limit', { description: 'Records per page.' }),
      total: t.exposeInt('total', { description: 'Records matching the filter and search.' }),
      totalPages: t.exposeInt('totalPages', { description: 'Pages of `limit` records.' }),
      hasMore: t.exposeBoolean('hasMore', { description: 'Whether a later page has records.' }),
    }),
  });

  const EntityCountRef = builder.objectRef<EntityCount>('EntityCount').implement({
    description: 'A number of records of one entity type.',
    fields: (t) => ({
      entityType: t.field({
        type: EntityType,
        description: 'The entity type counted.',
        resolve: (c) => c.entityType,
      }),
      count: t.exposeInt('count', { description: 'How many records.' }),
    }),
  });

  const DeleteResultRef = builder.objectRef<DeleteResult>('DeleteResult').implement({
    description: 'The outcome of a delete, with the records the database deleted along with it.',
    fields: (t) => ({
      success: t.exposeBoolean('success', { description: 'Whether the record was deleted.' }),
      message: t.exposeString('message', { description: 'What was deleted, in a sentence.' }),
      entityType: t.field({
        type: EntityType,
        description: 'The entity type of the deleted record.',
        resolve: (r) => r.entityType,
      }),
      id: t.exposeID('id', { description: 'The primary key of the deleted record.' }),
      cascaded: t.field({
        type: [EntityCountRef],
        description: 'Records of other types (or children of the same type) deleted by cascade.',
        resolve: (r) => r.cascaded,
      }),
    }),
  });

  const FieldReferenceRef = builder.objectRef<FieldReference>('FieldReference').implement({
    description: 'A foreign key: the field it points at and what a delete of the target does.',
    fields: (t) => ({
      entityType: t.field({
        type: EntityType,
        description: 'The entity type pointed at.',
        resolve: (r) => r.entityType,
      }),
      field: t.exposeString('field', { description: 'The field pointed at, usually its key.' }),
      onDelete: t.exposeString('onDelete', { description: 'CASCADE or SET NULL.' }),
    }),
  });

  const FieldInfoRef = builder.objectRef<FieldInfo>('EntityFieldInfo').implement({
    description: 'One field of an entity type, with the rules a write must satisfy.',
    fields: (t) => ({
      name: t.exposeString('name', { description: 'The field name, as in records and filters.' }),
      type: t.exposeString('kind', {
        description: 'id, string, text, int, bool, timestamp, json or enum.',
      }),
      graphqlType: t.string({
        description: 'The GraphQL type of the field in the typed API.',
        resolve: (f) => GRAPHQL_SCALAR[f.kind],
      }),
      description: t.exposeString('description', {
        description: 'What the field holds and the rules it follows.',
      }),
      nullable: t.exposeBoolean('nullable', { description: 'Whether the field may be null.' }),
      unique: t.exposeBoolean('unique', {
        description: 'Whether no two records may share a value.',
      }),
      required: t.exposeBoolean('required', {
        description: 'Must be given on create: no default fills it.',
      }),
      primaryKey: t.exposeBoolean('primary', {
        description: 'Whether the field is the primary key.',
      }),
      maxLength: t.int({
        nullable: true,
        description: 'The most characters a text value may have; null when unlimited.',
        resolve: (f) => f.maxLength ?? null,
      }),
      enumValues: t.stringList({
        nullable: true,
        description: 'The values the field accepts; null when it is not an enum.',
        resolve: (f) => f.enumValues ?? null,
      }),
      references: t.field({
        type: FieldReferenceRef,
        nullable: true,
        description: 'The foreign key the field is; null when it is none.',
        resolve: (f) => f.references ?? null,
      }),
    }),
  });

  const EntityTypeInfoRef = builder.objectRef<EntityInfo>('EntityTypeInfo').implement({
    description: 'An entity type (a table) and its fields, for generic admin screens.',
    fields: (t) => ({
      name: t.field({ type: EntityType, description: 'The entity type.', resolve: (e) => e.name }),
      description: t.exposeString('description', { description: 'What its records are.' }),
      collection: t.exposeString('collection', {
        description: 'The name of its list query in the typed API.',
      }),
      primaryKey: t.exposeString('primaryKey', {
        description: 'The field whose value is the `id` of by-id queries and mutations.',
      }),
      sensitive: t.exposeBoolean('sensitive', {
        description: 'Exported only when an export asks for sensitive types.',
      }),
      readOnly: t.exposeBoolean('readOnly', { description: 'Written by the gateway alone.' }),
      searchFields: t.exposeStringList('searchFields', {
        description: 'The text fields a search looks into.',
      }),
      fields: t.field({
        type: [FieldInfoRef],
        description: 'Every field a caller can read, in table order; secrets are left out.',
        resolve: (e) => registry.visibleFields(e),
      }),
    }),
  });

  return {
    EntityType,
    ExportFormat,
    SortOrder: SortOrderRef,
    SqlDialect: SqlDialectRef,
    Pagination: PaginationRef,
    EntityCount: EntityCountRef,
    DeleteResult: DeleteResultRef,
    EntityTypeInfo: EntityTypeInfoRef,
  };
}

export type CommonTypes = ReturnType<typeof addCommonTypes>;
