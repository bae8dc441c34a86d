import type { GraphQLResolveInfo } from 'graphql';
import type { EntityInfo, FieldInfo, FieldKind } from '../registry/entity-info';
import type { EntityRegistry } from '../registry/entity-registry';
import type { EntityRecord } from '../registry/record-codec';
import type { Pagination, SortOrder } from '../services/entity-service';
import { operatorsFor } from '../services/filter-compiler';
import { ADMIN, type Builder } from './builder';
import { type CommonTypes, GRAPHQL_SCALAR } from './common-types';
import { selectsField } from './selects-field';
import type { RecordRef } from './session-fields';

// The typed API is generated from the registry at start, so its type names are only known at run
// time; Pothos' static typing cannot follow them, and these aliases mark where that is given up.
/* eslint-disable @typescript-eslint/no-explicit-any */
type AnyRef = any;
type AnyFieldBuilder = any;

interface TypedPage {
  records: EntityRecord[];
  pagination: () => Promise<Pagination>;
}

const lowerFirst = (name: string) => name[0].toLowerCase() + name.slice(1);

/**
 * One set of typed fields per entity type: an object type with its relations, a page, a filter,
 * an order, create and update inputs, a list, a by-id query and create, update and delete.
 */
export function addTypedEntityFields(
  builder: Builder,
  registry: EntityRegistry,
  common: CommonTypes,
): Map<string, RecordRef> {
  const enums = new Map<string, AnyRef>();
  const filters = new Map<string, AnyRef>();

  /** The output and input type of a field: a scalar, or an enum of its values. */
  const typeOf = (entity: EntityInfo, field: FieldInfo): AnyRef => {
    if (!field.enumValues) {
      return GRAPHQL_SCALAR[field.kind];
    }
    const name = `${entity.name}${field.name[0].toUpperCase()}${field.name.slice(1)}`;
    if (!enums.has(name)) {
      enums.set(
        name,
        builder.enumType(name, {
          description: `The values of ${entity.name}.${field.name}.`,
          values: Object.fromEntries(
            field.enumValues.map((v) => [
              v,
              { value: v, description: `${entity.name}.${field.name} is '${v}'.` },
            ]),
          ),
        }),
      );
    }

    return enums.get(name);
  };

  /** The operator input of a field type, shared by every field of that type. */
  const filterOf = (entity: EntityInfo, field: FieldInfo): AnyRef => {
    const type = typeOf(entity, field);
    const name = `${field.enumValues ? (type.name as string) : kindName(field.kind)}Filter`;
    if (!filters.has(name)) {
      const operators = field.enumValues
        ? operatorsFor(field).filter((op) => ['eq', 'ne', 'in', 'notIn', 'isNull'].includes(op))
        : operatorsFor(field);
      filters.set(
        name,
        builder.inputType(name, {
          description: `Conditions on a ${field.enumValues ? type.name : kindName(field.kind)} field; all given must hold.`,
          fields: (t: AnyFieldBuilder) =>
            Object.fromEntries(
              operators.map((op) => [
                op,
                op === 'isNull'
                  ? t.boolean({ description: 'true: the field is null; false: it is not.' })
                  : t.field({
                      type: op === 'in' || op === 'notIn' ? [type] : type,
                      description: OPERATOR_DESCRIPTIONS[op],
                    }),
              ]),
            ),
        }),
      );
    }

    return filters.get(name);
  };

  const objects = new Map<string, RecordRef>(
    registry.entities.map((e) => [e.name, builder.objectRef<EntityRecord>(e.name)]),
  );

  for (const entity of registry.entities) {
    const visible = registry.visibleFields(entity);
    const object: AnyRef = objects.get(entity.name);

    object.implement({
      description: entity.description,
      fields: (t: AnyFieldBuilder) => ({
        ...Object.fromEntries(
          visible.map((field) => [
            field.name,
            t.field({
              type: typeOf(entity, field),
              nullable: field.nullable,
              description: field.description,
              resolve: (record: EntityRecord) => record[field.name],
            }),
          ]),
        ),
        ...Object.fromEntries(
          entity.relations.map((relation) => [
            relation.name,
            t.field({
              type: relation.many ? [objects.get(relation.target)] : objects.get(relation.target),
              nullable: !relation.many,
              authScopes: ADMIN,
              description: relation.many
                ? `The ${relation.target} records whose ${relation.targetField} is this record's ${relation.localField}.`
                : `The ${relation.target} whose ${relation.targetField} is this record's ${relation.localField}.`,
              resolve: (record: EntityRecord, _args: unknown, ctx: any) =>
                relation.many
                  ? ctx.loaders.many(
                      relation.target,
                      relation.targetField,
                      record[relation.localField],
                    )
                  : ctx.loaders.one(
                      relation.target,
                      relation.targetField,
                      record[relation.localField],
                    ),
            }),
          ]),
        ),
      }),
    });

    const page = builder.objectRef<TypedPage>(`${entity.name}Page`).implement({
      description: `A page of ${entity.name} records.`,
      fields: (t) => ({
        records: t.field({
          type: [object],
          description: `The ${entity.name} records of this page, in the order asked for.`,
          resolve: (p) => p.records,
        }),
        pagination: t.field({
          type: common.Pagination,
          description: 'Where this page sits among all matching records.',
          resolve: (p) => p.pagination(),
        }),
      }),
    });

    const filter: AnyRef = builder.inputRef<Record<string, unknown>>(`${entity.name}Filter`);
    filter.implement({
      description: `Conditions on ${entity.name} records; all given must hold.`,
      fields: (t: AnyFieldBuilder) => ({
        ...Object.fromEntries(
          visible.map((field) => [
            field.name,
            t.field({
              type: filterOf(entity, field),
              description: `Conditions on ${field.name}.`,
            }),
          ]),
        ),
        and: t.field({ type: [filter], description: 'Every one of these holds.' }),
        or: t.field({ type: [filter], description: 'At least one of these holds.' }),
        not: t.field({ type: [filter], description: 'None of these holds.' }),
      }),
    });

    const sortable = visible.filter((field) => field.kind !== 'json');
    const sortField = builder.enumType(`${entity.name}SortField`, {
      description: `The fields ${entity.name} records can be sorted by.`,
      values: Object.fromEntries(
        sortable.map((f) => [f.name, { value: f.name, description: `Sort by ${f.name}.` }]),
      ),
    });
    const orderBy = builder.inputType(`${entity.name}OrderBy`, {
      description: `One sort key of ${entity.name} records.`,
      fields: (t) => ({
        field: t.field({ type: sortField, required: true, description: 'The field to sort by.' }),
        order: t.field({
          type: common.SortOrder,
          defaultValue: 'ASC' as SortOrder,
          description: 'The direction of this key.',
        }),
      }),
    });

    const collection = entity.collection;
    const idDescription = `The ${entity.primaryKey} of the ${entity.name}.`;
    const single = lowerFirst(entity.name);
    builder.queryFields((t: AnyFieldBuilder) => ({
      [collection]: t.field({
        type: page,
        authScopes: ADMIN,
        description: `Lists ${entity.name} records with pagination, sorting, filter and search.`,
        args: {
          page: t.arg.int({ defaultValue: 0, description: 'The page, counting from 0.' }),
          limit: t.arg.int({ defaultValue: 20, description: 'Records per page, 1 to 100.' }),
          orderBy: t.arg({
            type: [orderBy],
            description: 'Sort keys in order; the primary key breaks ties.',
          }),
          filter: t.arg({
            type: filter,
            description: `Conditions the ${entity.name} records must meet.`,
          }),
          search: t.arg.string({
            description: `A case-insensitive substring looked for in ${entity.searchFields.join(', ') || 'no field'}.`,
          }),
        },
        resolve: (_root: unknown, args: any, ctx: any, info: GraphQLResolveInfo) =>
          ctx.services.entities.listPage(
            ctx.actor,
            entity.name,
            {
              page: args.page ?? 0,
              limit: args.limit ?? 20,
              sort: args.orderBy ?? [],
              filter: args.filter,
              search: args.search,
            },
            selectsField(info, 'pagination'),
          ),
      }),
      [`${single}ById`]: t.field({
        type: object,
        nullable: true,
        authScopes: ADMIN,
        description: `One ${entity.name} by its ${entity.primaryKey}, or null when there is none.`,
        args: { id: t.arg.id({ required: true, description: idDescription }) },
        resolve: (_root: unknown, args: any, ctx: any) =>
          ctx.services.entities.get(ctx.actor, entity.name, String(args.id)),
      }),
    }));

    if (entity.readOnly) {
      continue;
    }
    const inputFields = (t: AnyFieldBuilder, creating: boolean) =>
      Object.fromEntries(
        entity.fields.map((field) => {
          const name = field.secret ? field.secret.input : field.name;
          const type = field.secret ? 'String' : typeOf(entity, field);
          const required = creating && field.required;
          const description = field.secret
            ? `${field.secret.input}: stored only as ${field.secret.storedFormHint}.`
            : field.description;

          return [name, t.field({ type, required, description })];
        }),
      );
    const createInput = builder.inputType(`${entity.name}CreateInput`, {
      description: `The fields of a new ${entity.name}; those left out take their defaults.`,
      fields: (t) => inputFields(t, true),
    });
    const updateInput = builder.inputType(`${entity.name}UpdateInput`, {
      description: `The fields of a ${entity.name} to change; those left out stay as they are.`,
      fields: (t) => inputFields(t, false),
    });

    builder.mutationFields((t: AnyFieldBuilder) => ({
      [`create${entity.name}`]: t.field({
        type: object,
        authScopes: ADMIN,
        description: `Creates a ${entity.name}.`,
        args: {
          data: t.arg({
            type: createInput,
            required: true,
            description: 'The field values of the new record.',
          }),
        },
        resolve: (_root: unknown, args: any, ctx: any) =>
          ctx.services.entities.create(ctx.actor, entity.name, args.data),
      }),
      [`update${entity.name}`]: t.field({
        type: object,
        authScopes: ADMIN,
        description: `Changes the given fields of a ${entity.name}.`,
        args: {
          id: t.arg.id({ required: true, description: idDescription }),
          data: t.arg({
            type: updateInput,
            required: true,
            description: 'The fields to change and their new values.',
          }),
        },
        resolve: (_root: unknown, args: any, ctx: any) =>
          ctx.services.entities.update(ctx.actor, entity.name, String(args.id), args.data),
      }),
      [`delete${entity.name}`]: t.field({
        type: common.DeleteResult,
        authScopes: ADMIN,
        description: `Deletes a ${entity.name} and what the database cascades to.`,
        args: { id: t.arg.id({ required: true, description: idDescription }) },
        resolve: (_root: unknown, args: any, ctx: any) =>
          ctx.services.entities.delete(ctx.actor, entity.name, String(args.id)),
      }),
    }));
  }

  return objects;
}

function kindName(kind: FieldKind): string {
  return GRAPHQL_SCALAR[kind] === 'String' && kind !== 'id' ? 'String' : GRAPHQL_SCALAR[kind];
}

const OPERATOR_DESCRIPTIONS: Record<string, string> = {
  eq: 'Equal to; null means the field is null.',
  ne: 'Not equal to (null fields included); null means the field is not null.',
  in: 'One of these values.',
  notIn: 'None of these values (null fields included).',
  gt: 'Greater than.',
  gte: 'Greater than or equal to.',
  lt: 'Less than.',
  lte: 'Less than or equal to.',
  contains: 'Contains this text, ignoring case.',
  startsWith: 'Starts with this text, ignoring case.',
  endsWith: 'Ends with this text, ignoring case.',
};
