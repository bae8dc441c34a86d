import type { DialectName } from '../../config';
import type { EntityInfo } from '../../registry/entity-info';
import type { EntityRecord } from '../../registry/record-codec';
import type { EntityCount } from '../entity-service';

/** What an export file states about itself before its records. */
export interface ExportHeader {
  /** When the records were read, in milliseconds since the epoch. */
  exportedAt: number;
  version: string;
  /** The dialect a SQL file is written for. */
  dialect: DialectName;
  /** Records per exported entity type, in file order. */
  counts: EntityCount[];
}

/**
 * Turns records into the text of one export file, a piece at a time, so that the whole file never
 * sits in memory. The export calls `begin` once, then for each entity type `startType`, `records`
 * for each batch and `endType`, then `finish`; the pieces joined in order are the file.
 */
export interface ExportWriter {
  begin(header: ExportHeader): string;
  startType(entity: EntityInfo, count: number): string;
  records(entity: EntityInfo, records: EntityRecord[]): string;
  endType(entity: EntityInfo): string;
  finish(): string;
}
