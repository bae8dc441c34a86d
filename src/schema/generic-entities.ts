import type { EntityRegistry } from '../registry/entity-registry';
import type { EntityRecord } from '../registry/record-codec';
import type { LazyRecordPage } from '../services/entity-service';
import { ADMIN, type Builder } from './builder';
import { selectsField } from './selects-field';
import type { CommonTypes } from './common-types';

/** The generic browser: any entity type, records as JSON, for generic admin screens. */
export function addGenericEntityFields(
  builder: Builder,
  registry: EntityRegistry,
  common: CommonTypes,
) {
  const EntityPage = builder.objectRef<LazyRecordPage>('EntityPage').implement({
    description: 'A page of records of one entity type, as JSON objects.',
    fields: (t) => ({
      entityType: t.field({
        type: common.EntityType,
        description: 'The entity type of the records.',
        resolve: (p) => p.entity.name,
      }),
      records: t.field({
        type: ['JSON'],
        description: 'The records, each an object of field values (secrets left out).',
        resolve: (p) => p.records,
      }),
      pagination: t.field({
        type: common.Pagination,
        description: 'Where this page sits among all matching records.',
        resolve: (p) => p.pagination(),
      }),
      schema: t.field({
        type: common.EntityTypeInfo,
        description: 'The entity type, to render the records without another request.',
        resolve: (p) => p.entity,
      }),
    }),
  });

  builder.queryFields((t) => ({
    entityTypes: t.field({
      type: [common.EntityTypeInfo],
      authScopes: ADMIN,
      description: 'Every entity type with its fields, in foreign-key order.',
      resolve: () => registry.entities,
    }),
    entities: t.field({
      type: EntityPage,
      authScopes: ADMIN,
      description: 'Lists records of any entity type with pagination, sorting, filter and search.',
      args: {
        entityType: t.arg({
          type: common.EntityType,
          required: true,
          description: 'The entity type (table) to work on.',
        }),
        page: t.arg.int({ defaultValue: 0, description: 'The page, counting from 0.' }),
        limit: t.arg.int({ defaultValue: 20, description: 'Records per page, 1 to 100.' }),
        sortBy: t.arg.string({
          description: 'The field to sort by; the primary key by default and as tie-breaker.',
        }),
        order: t.arg({
          type: common.SortOrder,
          defaultValue: 'ASC',
          description: 'The direction of the sort.',
        }),
        filter: t.arg({
          type: 'JSON',
          description:
            'Field to value (equality) or field to operators (eq ne in notIn isNull gt gte lt lte ' +
            'contains startsWith endsWith), combined with and, or and not arrays.',
        }),
        search: t.arg.string({
          description: 'A case-insensitive substring looked for in the text fields.',
        }),
      },
      resolve: (_root, args, ctx, info) =>
        ctx.services.entities.listPage(
          ctx.actor,
          args.entityType,
          {
            page: args.page ?? 0,
            limit: args.limit ?? 20,
            sort:
              typeof args.sortBy === 'string'
                ? [{ field: args.sortBy, order: args.order ?? 'ASC' }]
                : [{ field: registry.get(args.entityType).primaryKey, order: args.order ?? 'ASC' }],
            filter: args.filter,
            search: args.search,
          },
          selectsField(info, 'pagination'),
        ),
    }),
    entity: t.field({
      type: 'JSON',
      nullable: true,
      authScopes: ADMIN,
      description: 'One record by its primary key, or null when there is none.',
      args: {
        entityType: t.arg({
          type: common.EntityType,
          required: true,
          description: 'The entity type (table) to work on.',
        }),
        id: t.arg.id({ required: true, description: 'The value of the primary key.' }),
      },
      resolve: (_root, args, ctx) =>
        ctx.services.entities.get(ctx.actor, args.entityType, String(args.id)),
    }),
  }));

  builder.mutationFields((t) => ({
    createEntity: t.field({
      type: 'JSON',
      authScopes: ADMIN,
      description: 'Creates a record from an object of field values; returns the stored record.',
      args: {
        entityType: t.arg({
          type: common.EntityType,
          required: true,
          description: 'The entity type (table) to work on.',
        }),
        data: t.arg({
          type: 'JSON',
          required: true,
          description: 'An object of field values; fields left out take their defaults.',
        }),
      },
      resolve: (_root, args, ctx): Promise<EntityRecord> =>
        ctx.services.entities.create(ctx.actor, args.entityType, args.data),
    }),
    updateEntity: t.field({
      type: 'JSON',
      authScopes: ADMIN,
      description: 'Changes the given fields of a record; returns the stored record.',
      args: {
        entityType: t.arg({
          type: common.EntityType,
          required: true,
          description: 'The entity type (table) to work on.',
        }),
        id: t.arg.id({ required: true, description: 'The value of the primary key.' }),
        data: t.arg({
          type: 'JSON',
          required: true,
          description: 'An object of the fields to change and their new values.',
        }),
      },
      resolve: (_root, args, ctx): Promise<EntityRecord> =>
        ctx.services.entities.update(ctx.actor, args.entityType, String(args.id), args.data),
    }),
    deleteEntity: t.field({
      type: common.DeleteResult,
      authScopes: ADMIN,
      description: 'Deletes a record; the database deletes or clears what points at it.',
      args: {
        entityType: t.arg({
          type: common.EntityType,
          required: true,
          description: 'The entity type (table) to work on.',
        }),
        id: t.arg.id({ required: true, description: 'The value of the primary key.' }),
      },
      resolve: (_root, args, ctx) =>
        ctx.services.entities.delete(ctx.actor, args.entityType, String(args.id)),
    }),
  }));
}
