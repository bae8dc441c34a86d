import { badRequest, quote, unknownChoice } from '../../errors';
import type { EntityInfo, FieldInfo } from '../../registry/entity-info';
import type { EntityRegistry } from '../../registry/entity-registry';
import type { FieldError } from '../../registry/record-validator';
import type { FileEntry } from './file-entry';
import { readPlainInsert } from './plain-insert-reader';
import type { SqlInsert, SqlValue } from './sql-insert';
import { parseSqlStatement } from './sql-statement-parser';
import { splitSqlStatements } from './sql-statement-splitter';

/** Schemas a table name may be qualified with: PostgreSQL's default and SQLite's main database. */
const DEFAULT_SCHEMAS = ['public', 'main'];

/** The name in the file matched with a registry name: exactly, or ignoring case as SQLite does. */
function matchName(name: string, names: readonly string[]): string | undefined {
  return names.includes(name) ? name : names.find((n) => n.toLowerCase() === name.toLowerCase());
}

/**
 * A value as the field takes it, whichever dialect wrote the file: 1 and 0 for booleans (SQLite),
 * JSON as its text, timestamps that a dump put in quotes.
 */
function fieldValue(field: FieldInfo, value: SqlValue, problems: FieldError[]): unknown {
  if (value === null) {
    return null;
  }
  switch (field.kind) {
    case 'bool':
      return value === 1 || value === 0 ? value === 1 : value;
    case 'int':
    case 'timestamp':
      return typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
    case 'json':
      if (typeof value !== 'string') {
        return value;
      }
      try {
        return JSON.parse(value);
      } catch (error) {
        problems.push({
          field: field.name,
          message: `'${field.name}' must hold JSON text, got ${quote(value)}: ${(error as Error).message}`,
        });

        return value;
      }
    default:
      return value;
  }
}

class InsertMapper {
  private readonly names: string[];

  constructor(private readonly registry: EntityRegistry) {
    this.names = registry.names;
  }

  entityOf(insert: SqlInsert): EntityInfo {
    if (insert.schema !== null && !DEFAULT_SCHEMAS.includes(insert.schema.toLowerCase())) {
      throw badRequest(
        `Line ${insert.line}: table ${quote(`${insert.schema}.${insert.table}`)} is in schema ` +
          `${quote(insert.schema)}; an import writes to ${DEFAULT_SCHEMAS.join(' or ')} only`,
        { line: insert.line },
      );
    }
    const name = matchName(insert.table, this.names);
    if (!name) {
      throw badRequest(
        `Line ${insert.line}: ${unknownChoice('entity type', insert.table, this.names)}`,
        { line: insert.line, entityType: insert.table },
      );
    }

    return this.registry.get(name);
  }

  /** The field of each column, in column order; undefined where the type has no such field. */
  fieldsOf(entity: EntityInfo, insert: SqlInsert): Array<{ name: string; field?: FieldInfo }> {
    if (insert.columns === null) {
      return entity.fields.map((field) => ({ name: field.name, field }));
    }
    const fieldNames = entity.fields.map((f) => f.name);

    return insert.columns.map((column) => {
      const name = matchName(column, fieldNames) ?? column;

      return { name, field: entity.fieldsByName.get(name) };
    });
  }

  *entries(insert: SqlInsert): Generator<FileEntry> {
    const entity = this.entityOf(insert);
    const columns = this.fieldsOf(entity, insert);
    yield { entityType: entity.name, line: insert.line };
    for (const row of insert.rows) {
      if (row.values.length !== columns.length) {
        const listed =
          insert.columns === null
            ? `the ${columns.length} fields of ${entity.name}`
            : `${columns.length} columns`;
        throw badRequest(`Line ${row.line}: a row of ${row.values.length} values for ${listed}`, {
          line: row.line,
          entityType: entity.name,
        });
      }
      const record: Record<string, unknown> = {};
      const problems: FieldError[] = [];
      columns.forEach(({ name, field }, i) => {
        record[name] = field ? fieldValue(field, row.values[i], problems) : row.values[i];
      });
      yield problems.length > 0
        ? { entityType: entity.name, line: row.line, record, problems }
        : { entityType: entity.name, line: row.line, record };
    }
  }
}

/**
 * Reads the records of a SQL file of `INSERT … VALUES` statements, statement by statement.
 * Statements other than inserts, BEGIN and COMMIT are refused with their line.
 */
export async function* readSqlEntries(
  chunks: AsyncIterable<string>,
  registry: EntityRegistry,
): AsyncGenerator<FileEntry> {
  const mapper = new InsertMapper(registry);
  for await (const statement of splitSqlStatements(chunks)) {
    const plain = readPlainInsert(statement);
    if (plain) {
      yield* mapper.entries(plain);
      continue;
    }
    const parsed = parseSqlStatement(statement);
    if (parsed.kind === 'insert') {
      yield* mapper.entries(parsed.insert);
    }
  }
}
