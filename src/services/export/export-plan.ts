import type { DialectName } from '../../config';
import { dialectFor } from '../../db/dialect';
import { badRequest, quote, unknownChoice } from '../../errors';
import type { EntityInfo } from '../../registry/entity-info';
import type { EntityRegistry } from '../../registry/entity-registry';
import { FilterCompiler } from '../filter-compiler';
import { SqlParams } from '../sql-params';

/** The file formats of an export. */
export const EXPORT_FORMATS = ['JSON', 'YAML', 'SQL'] as const;

export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The SQL dialects an export can be written in, as the API names them. */
export const SQL_DIALECTS = { SQLITE: 'sqlite', POSTGRES: 'postgres' } as const;

export type SqlDialect = keyof typeof SQL_DIALECTS;

/** The version of the file layout, written into every export. */
export const EXPORT_FILE_VERSION = '1.0.0';

/** The extension and media type of each format. */
export const FORMAT_FILES: Record<ExportFormat, { extension: string; contentType: string }> = {
  JSON: { extension: 'json', contentType: 'application/json; charset=utf-8' },
  YAML: { extension: 'yml', contentType: 'application/yaml; charset=utf-8' },
  SQL: { extension: 'sql', contentType: 'application/sql; charset=utf-8' },
};

/** What a caller asks of an export, before it is checked. */
export interface ExportOptions {
  format?: string | null;
  entityTypes?: readonly string[] | null;
  filter?: unknown;
  includeSensitive?: boolean | null;
  /** The dialect of a SQL export; the database's own by default. */
  dialect?: string | null;
}

/** An export checked against the registry: what is read, and how it is written. */
export interface ExportPlan {
  format: ExportFormat;
  /** The entity types exported, parents before children. */
  entities: EntityInfo[];
  filter: unknown;
  /** The names of the entity types the filter applies to. */
  filtered: Set<string>;
  includeSensitive: boolean;
  dialect: DialectName;
}

const COMBINATORS = new Set(['and', 'or', 'not']);

/** The field names a filter mentions, through its and, or and not combinators. */
export function filterFields(filter: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(filter)) {
    filter.forEach((item) => filterFields(item, into));
  } else if (typeof filter === 'object' && filter !== null) {
    for (const [key, value] of Object.entries(filter)) {
      if (COMBINATORS.has(key)) {
        filterFields(value, into);
      } else {
        into.add(key);
      }
    }
  }

  return into;
}

function chooseFormat(format: string | null | undefined): ExportFormat {
  const name = (format ?? 'JSON').toUpperCase();
  if (!(EXPORT_FORMATS as readonly string[]).includes(name)) {
    throw badRequest(unknownChoice('export format', String(format), EXPORT_FORMATS), {
      field: 'format',
    });
  }

  return name as ExportFormat;
}

function chooseDialect(dialect: string | null | undefined, own: DialectName): DialectName {
  if (dialect === undefined || dialect === null) {
    return own;
  }
  const name = dialect.toUpperCase();
  if (!(name in SQL_DIALECTS)) {
    throw badRequest(unknownChoice('SQL dialect', dialect, Object.keys(SQL_DIALECTS)), {
      field: 'dialect',
    });
  }

  return SQL_DIALECTS[name as SqlDialect];
}

/**
 * The entity types an export reads. Without a list: every type but the sensitive ones (unless
 * asked for) and the read-only audit trail, which is exported only when named. A sensitive type
 * named without `includeSensitive` is refused rather than silently left out.
 */
function chooseEntities(
  registry: EntityRegistry,
  names: readonly string[] | null | undefined,
  includeSensitive: boolean,
): EntityInfo[] {
  if (names === undefined || names === null) {
    return registry.entities.filter((e) => !e.readOnly && (includeSensitive || !e.sensitive));
  }
  if (names.length === 0) {
    throw badRequest('entityTypes is empty: name at least one entity type, or leave it out', {
      field: 'entityTypes',
    });
  }
  const wanted = new Set(names.map((name) => registry.get(name).name));
  const refused = registry.entities.filter((e) => wanted.has(e.name) && e.sensitive);
  if (refused.length > 0 && !includeSensitive) {
    const list = refused.map((e) => e.name).join(', ');
    throw badRequest(
      `${list} ${refused.length > 1 ? 'are' : 'is'} sensitive: set includeSensitive to export ` +
        'it with its secrets, or leave it out of entityTypes',
      { field: 'includeSensitive', entityType: refused[0].name },
    );
  }

  return registry.entities.filter((e) => wanted.has(e.name));
}

/**
 * Checks an export's options and settles what it reads. The filter is applied to each exported
 * type that has every field it names; other types are exported whole. A filter that fits none of
 * them is refused, so that a misspelt field does not export everything.
 */
export function planExport(
  registry: EntityRegistry,
  ownDialect: DialectName,
  options: ExportOptions,
): ExportPlan {
  const format = chooseFormat(options.format);
  const dialect = chooseDialect(options.dialect, ownDialect);
  const includeSensitive = options.includeSensitive ?? false;
  const entities = chooseEntities(registry, options.entityTypes, includeSensitive);

  const filter = options.filter ?? null;
  if (filter !== null && (typeof filter !== 'object' || Array.isArray(filter))) {
    throw badRequest(
      `A filter must be an object of field names and operators, got ${quote(filter)}`,
      { field: 'filter' },
    );
  }
  const fields = [...filterFields(filter)];
  const filtered = new Set(
    entities
      .filter((e) =>
        fields.every((name) => e.fieldsByName.has(name) && !e.fieldsByName.get(name)!.secret),
      )
      .map((e) => e.name),
  );
  if (filter !== null && filtered.size === 0) {
    const names = entities.map((e) => e.name).join(', ');
    throw badRequest(
      `No exported entity type has every field the filter names (${fields.join(', ')}); ` +
        `exported types: ${names}`,
      { field: 'filter' },
    );
  }
  // Operators and operands are checked here, before anything is read.
  for (const entity of entities.filter((e) => filtered.has(e.name))) {
    new FilterCompiler(entity, new SqlParams(dialectFor(ownDialect)), 't0').compile(filter);
  }

  return { format, entities, filter, filtered, includeSensitive, dialect };
}

/** `database-export-2024-01-15.json`: the file name of an export made at `exportedAt`. */
export function exportFilename(format: ExportFormat, exportedAt: number): string {
  const day = new Date(exportedAt).toISOString().slice(0, 10);

  return `database-export-${day}.${FORMAT_FILES[format].extension}`;
}
