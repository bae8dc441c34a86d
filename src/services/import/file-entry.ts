import type { FieldError } from '../../registry/record-validator';

/**
 * What a reader finds in a file, in file order: the start of an entity type's records (which may
 * be an empty list) or one record of it.
 */
export interface FileEntry {
  entityType: string;
  /** The line where the list or the record starts, counting from 1. */
  line: number;
  /** Absent at the start of a type's list. */
  record?: unknown;
  /** What the reader could not turn into field values (text in a JSON column that is no JSON). */
  problems?: FieldError[];
}
