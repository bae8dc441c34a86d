import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import type { EntityRegistry } from '../registry/entity-registry';
import { createBuilder } from './builder';
import { addCommonTypes } from './common-types';
import { addExportFields } from './export-fields';
import { addGenericEntityFields } from './generic-entities';
import { addImportFields } from './import-fields';
import { addScalars } from './scalars';
import { addSessionFields } from './session-fields';
import { addStatsFields } from './stats-fields';
import { addTypedEntityFields } from './typed-entities';

/** The whole GraphQL schema of the gateway, generated from the entity registry. */
export function buildSchema(registry: EntityRegistry): GraphQLSchema {
  const builder = createBuilder();
  builder.queryType({ description: 'Reads: the entity browser, statistics and the viewer.' });
  builder.mutationType({ description: 'Writes: records, sessions, exports and imports.' });
  addScalars(builder);

  const common = addCommonTypes(builder, registry);
  addGenericEntityFields(builder, registry, common);
  const objects = addTypedEntityFields(builder, registry, common);
  addSessionFields(builder, objects.get('User')!);
  addStatsFields(builder, common);
  addExportFields(builder, common);
  addImportFields(builder, common);

  return builder.toSchema({ sortSchema: false });
}

/** The schema sorted, as printed to schema.graphql. */
export function sortedSchema(schema: GraphQLSchema): GraphQLSchema {
  return lexicographicSortSchema(schema);
}

/** The text of schema.graphql: the sorted schema in SDL, ending in a newline. */
export function printSchemaText(schema: GraphQLSchema): string {
  return `${printSchema(sortedSchema(schema))}\n`;
}
