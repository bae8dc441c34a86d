import type { EntityInfo } from '../../registry/entity-info';
import type { EntityRecord } from '../../registry/record-codec';
import type { ExportHeader, ExportWriter } from './export-writer';

/**
 * `{ exportedAt, version, entities: { Type: [records] } }`, one record per line: JSON fields as
 * nested values, timestamps as numbers, booleans as booleans.
 */
export class JsonWriter implements ExportWriter {
  private typesWritten = 0;
  private recordsWritten = 0;

  begin(header: ExportHeader): string {
    const exportedAt = JSON.stringify(new Date(header.exportedAt).toISOString());

    return (
      `{\n  "exportedAt": ${exportedAt},\n  "version": ${JSON.stringify(header.version)},\n` +
      '  "entities": {'
    );
  }

  startType(entity: EntityInfo): string {
    this.recordsWritten = 0;

    return `${this.typesWritten++ > 0 ? ',' : ''}\n    ${JSON.stringify(entity.name)}: [`;
  }

  records(_entity: EntityInfo, records: EntityRecord[]): string {
    const lead = this.recordsWritten > 0 ? ',\n      ' : '\n      ';
    this.recordsWritten += records.length;

    return lead + records.map((record) => JSON.stringify(record)).join(',\n      ');
  }

  endType(): string {
    return this.recordsWritten > 0 ? '\n    ]' : ']';
  }

  finish(): string {
    return '\n  }\n}\n';
  }
}
