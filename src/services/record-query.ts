import type { EntityInfo } from '../registry/entity-info';
import type { EntityRegistry } from '../registry/entity-registry';
import { FilterCompiler, searchCondition } from './filter-compiler';
import type { SqlParams } from './sql-params';

/** Who is acting: the tenant they are confined to (null for the whole instance) and where from. */
export interface Actor {
  userId: string | null;
  tenantId: string | null;
  ipAddress?: string | null;
}

/** The actor of work the gateway does on its own behalf, such as seeding and command lines. */
export const SYSTEM_ACTOR: Actor = { userId: null, tenantId: null, ipAddress: null };

/** `"Type" AS t0`: the FROM item of a record query. */
export function fromTable(params: SqlParams, entity: EntityInfo, alias: string): string {
  return `${params.column(entity.name)} AS ${alias}`;
}

/** The quoted columns of a type, secrets included only when asked for. */
export function selectList(
  params: SqlParams,
  entity: EntityInfo,
  alias: string,
  withSecrets = false,
): string {
  return entity.fields
    .filter((field) => withSecrets || !field.secret)
    .map((field) => params.column(field.name, alias))
    .join(', ');
}

/**
 * The condition that keeps an actor confined to its tenant: the type's own `tenantId`, or the
 * tenant of the parent its foreign key points at, followed as far as it takes.
 */
export function tenantCondition(
  registry: EntityRegistry,
  entity: EntityInfo,
  actor: Actor,
  params: SqlParams,
  alias: string,
  depth = 0,
): string {
  if (actor.tenantId === null) {
    return 'TRUE';
  }
  if (entity.tenantField) {
    return `${params.column(entity.tenantField, alias)} = ${params.add(actor.tenantId)}`;
  }
  if (!entity.tenantPath) {
    return 'TRUE';
  }
  const path = entity.tenantPath;
  const parent = registry.get(path.parent);
  const parentAlias = `p${depth + 1}`;
  const inner = tenantCondition(registry, parent, actor, params, parentAlias, depth + 1);

  return (
    `EXISTS (SELECT 1 FROM ${fromTable(params, parent, parentAlias)} WHERE ` +
    `${params.column(path.parentField, parentAlias)} = ${params.column(path.field, alias)} ` +
    `AND ${inner})`
  );
}

/** The WHERE condition of a list: tenant, filter and search together. */
export function recordCondition(
  registry: EntityRegistry,
  entity: EntityInfo,
  actor: Actor,
  params: SqlParams,
  alias: string,
  options: { filter?: unknown; search?: string | null },
): string {
  const parts = [tenantCondition(registry, entity, actor, params, alias)];
  if (options.filter !== undefined && options.filter !== null) {
    parts.push(new FilterCompiler(entity, params, alias).compile(options.filter));
  }
  if (options.search) {
    parts.push(searchCondition(entity, options.search, params, alias));
  }
  const real = parts.filter((part) => part !== 'TRUE');

  return real.length === 0 ? 'TRUE' : real.map((part) => `(${part})`).join(' AND ');
}
