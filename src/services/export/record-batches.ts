import type { Queryable, Row } from '../../db/database';
import type { EntityInfo, FieldInfo } from '../../registry/entity-info';
import type { EntityRegistry } from '../../registry/entity-registry';
import { decodeRecord, type EntityRecord } from '../../registry/record-codec';
import { type Actor, fromTable, recordCondition, selectList } from '../record-query';
import { SqlParams } from '../sql-params';

/** What a batch read selects: the records of one type an actor may see, optionally filtered. */
export interface BatchQuery {
  registry: EntityRegistry;
  entity: EntityInfo;
  actor: Actor;
  filter: unknown;
  withSecrets: boolean;
  batchSize: number;
}

/** The depth of rows that no chain of parents leads to from a root: they come last. */
const UNREACHED_DEPTH = 2147483647;
const DEPTH = '__depth';

/** The first field of a type that points at the same type (a tree of records), if any. */
export function selfReference(entity: EntityInfo): FieldInfo | undefined {
  return entity.fields.find((field) => field.references?.entityType === entity.name);
}

/** The number of records a batch read will return in all. */
export async function countRecords(q: Queryable, query: BatchQuery): Promise<number> {
  const params = new SqlParams(q.dialect);
  const where = recordCondition(query.registry, query.entity, query.actor, params, 't0', query);
  const [row] = await q.query<{ total: number }>(
    `SELECT COUNT(*) AS ${params.column('total')} FROM ${fromTable(params, query.entity, 't0')} ` +
      `WHERE ${where}`,
    params.values,
  );

  return Number(row?.total ?? 0);
}

/**
 * Reads the records of one type in batches, keyset-paginated on the primary key, so that memory
 * holds one batch whatever the size of the table. Every batch is a fresh query; run inside a read
 * snapshot, the batches together are one consistent view.
 *
 * A type whose records point at records of the same type is read parents first, so that a file
 * of INSERTs never names a parent it has not inserted yet: the key is then (depth in the tree,
 * primary key), the depth coming from a recursive query. That query walks the whole table once
 * per batch, a cost the other types do not pay.
 */
export async function* recordBatches(
  q: Queryable,
  query: BatchQuery,
): AsyncGenerator<EntityRecord[]> {
  const { entity } = query;
  const tree = selfReference(entity);
  const read = (last: Row | undefined) => {
    const params = new SqlParams(q.dialect);
    const sql = tree ? treeBatchSql(params, query, tree, last) : batchSql(params, query, last);

    return q.query(sql, params.values);
  };

  // The next batch is asked for before the current one is handed on, so that the database
  // reads while the caller writes.
  let next: Promise<Row[]> | undefined = read(undefined);
  try {
    while (next) {
      const rows: Row[] = await next;
      next = rows.length === query.batchSize ? read(rows[rows.length - 1]) : undefined;
      if (rows.length > 0) {
        yield rows.map((row) => decodeRecord(q.dialect, entity, row, query.withSecrets));
      }
    }
  } finally {
    // A caller that stops early leaves no query running in its snapshot.
    await next?.catch(() => undefined);
  }
}

function batchSql(params: SqlParams, query: BatchQuery, last: Row | undefined): string {
  const { entity } = query;
  const key = params.column(entity.primaryKey, 't0');
  const where = [recordCondition(query.registry, entity, query.actor, params, 't0', query)];
  if (last) {
    where.push(`${key} > ${params.add(last[entity.primaryKey])}`);
  }

  return (
    `SELECT ${selectList(params, entity, 't0', query.withSecrets)} ` +
    `FROM ${fromTable(params, entity, 't0')} WHERE ${where.join(' AND ')} ` +
    `ORDER BY ${key} LIMIT ${query.batchSize}`
  );
}

function treeBatchSql(
  params: SqlParams,
  query: BatchQuery,
  parentField: FieldInfo,
  last: Row | undefined,
): string {
  const { entity } = query;
  const table = params.column(entity.name);
  const pk = (alias: string) => params.column(entity.primaryKey, alias);
  const parent = (alias: string) => params.column(parentField.name, alias);
  const target = (alias: string) => params.column(parentField.references!.field, alias);
  const levels = params.column('levels');
  const depth = `COALESCE(d.${params.column('depth')}, ${UNREACHED_DEPTH})`;

  // Depth 0 for roots, one more for each step down; rows in a loop are never reached.
  const cte =
    `WITH RECURSIVE ${levels} (${params.column('node')}, ${params.column('depth')}) AS (` +
    `SELECT ${target('r')}, 0 FROM ${table} AS r WHERE ${parent('r')} IS NULL ` +
    `UNION ALL SELECT ${target('c')}, l.${params.column('depth')} + 1 ` +
    `FROM ${table} AS c JOIN ${levels} AS l ON ${parent('c')} = l.${params.column('node')})`;
  const where = [recordCondition(query.registry, entity, query.actor, params, 't0', query)];
  if (last) {
    const lastDepth = Number(last[DEPTH]);
    const deeper = `${depth} > ${params.add(lastDepth)}`;
    const sameDepth = `${depth} = ${params.add(lastDepth)}`;
    const later = `${sameDepth} AND ${pk('t0')} > ${params.add(last[entity.primaryKey])}`;
    where.push(`(${deeper} OR (${later}))`);
  }

  return (
    `${cte} SELECT ${selectList(params, entity, 't0', query.withSecrets)}, ` +
    `${depth} AS ${params.column(DEPTH)} FROM ${fromTable(params, entity, 't0')} ` +
    `LEFT JOIN ${levels} AS d ON d.${params.column('node')} = ${target('t0')} ` +
    `WHERE ${where.join(' AND ')} ORDER BY ${depth}, ${pk('t0')} LIMIT ${query.batchSize}`
  );
}
