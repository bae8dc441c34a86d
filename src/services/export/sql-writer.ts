import { type SqlLiterals, sqlLiteralsFor } from '../../db/sql-literals';
import type { EntityInfo, FieldInfo } from '../../registry/entity-info';
import type { EntityRecord } from '../../registry/record-codec';
import type { ExportHeader, ExportWriter } from './export-writer';

/**
 * INSERT statements for the dialect of the header, one multi-row statement per batch, inside one
 * transaction, in the order of the entity types (parents first). Every identifier is quoted; the
 * file loads with `psql -v ON_ERROR_STOP=1 -f` or `sqlite3 db < file` into a migrated database.
 */
export class SqlWriter implements ExportWriter {
  private literals!: SqlLiterals;

  begin(header: ExportHeader): string {
    this.literals = sqlLiteralsFor(header.dialect);
    const counts = header.counts.map((c) => `${c.entityType} ${c.count}`).join(', ');

    return [
      '-- MetaBuilder database export',
      `-- Dialect: ${header.dialect}`,
      `-- Exported at: ${new Date(header.exportedAt).toISOString()}`,
      `-- File version: ${header.version}`,
      `-- Records: ${counts || 'none'}`,
      '',
      'BEGIN;',
      '',
    ].join('\n');
  }

  startType(entity: EntityInfo, count: number): string {
    return `\n-- ${entity.name}: ${count} ${count === 1 ? 'record' : 'records'}\n`;
  }

  records(entity: EntityInfo, records: EntityRecord[]): string {
    const l = this.literals;
    // Secrets are columns only when the records carry them.
    const fields = entity.fields.filter((field) => field.name in records[0]);
    const columns = fields.map((field) => l.identifier(field.name)).join(', ');
    const formats = fields.map((field) => this.formatter(field));
    let text = `INSERT INTO ${l.identifier(entity.name)} (${columns}) VALUES\n`;
    for (let i = 0; i < records.length; i++) {
      let row = i === 0 ? '(' : ',\n(';
      for (let j = 0; j < fields.length; j++) {
        const value = records[i][fields[j].name];
        row +=
          (j === 0 ? '' : ', ') +
          (value === null || value === undefined ? l.null : formats[j](value));
      }
      text += `${row})`;
    }

    return `${text};\n`;
  }

  endType(): string {
    return '';
  }

  finish(): string {
    return '\nCOMMIT;\n';
  }

  /** How a field's non-null values are written, chosen once per batch rather than per value. */
  private formatter(field: FieldInfo): (value: unknown) => string {
    const l = this.literals;
    switch (field.kind) {
      case 'bool':
        return (value) => l.boolean(value as boolean);
      case 'int':
      case 'timestamp':
        return (value) => l.integer(value as number);
      case 'json':
        return (value) => l.text(JSON.stringify(value));
      default:
        return (value) => l.text(String(value));
    }
  }
}
