import type { EntityInfo } from '../../registry/entity-info';
import { type ImportError, type ImportTypeResult, MAX_LISTED_ERRORS } from './import-result';

const REDACTED = '[redacted]';

/** The record with its secret fields (a password hash, a session token) replaced. */
export function redactSecrets(entity: EntityInfo | undefined, record: unknown): unknown {
  if (!entity || typeof record !== 'object' || record === null || Array.isArray(record)) {
    return record;
  }
  const copy = { ...(record as Record<string, unknown>) };
  for (const field of entity.fields) {
    // A secret under its stored name, or under the name the API takes it by (a plain password).
    for (const name of field.secret ? [field.name, field.secret.input] : []) {
      if (copy[name] !== undefined && copy[name] !== null) {
        copy[name] = REDACTED;
      }
    }
  }

  return copy;
}

/** Where a failing record sits in the file. */
export interface RecordPlace {
  index: number;
  line: number | null;
}

/**
 * The errors of one import and the counts per entity type. Every error names its type, the
 * record's place, the field and the reason; records are kept with their secrets redacted.
 */
export class ImportErrors {
  readonly listed: ImportError[] = [];
  omitted = 0;
  /** Records that failed, over all types. */
  failedRecords = 0;
  private readonly counts = new Map<string, ImportTypeResult>();

  /** The counts of a type, created at zero. */
  countsOf(entityType: string): ImportTypeResult {
    let counts = this.counts.get(entityType);
    if (!counts) {
      counts = { entityType, imported: 0, skipped: 0, failed: 0, deleted: 0 };
      this.counts.set(entityType, counts);
    }

    return counts;
  }

  get allCounts(): ImportTypeResult[] {
    return [...this.counts.values()];
  }

  /** Records the failure of one record, with one error per reason. */
  fail(
    entity: EntityInfo | undefined,
    entityType: string,
    place: RecordPlace,
    record: unknown,
    reasons: Array<{ field: string | null; message: string }>,
  ): void {
    this.failedRecords++;
    this.countsOf(entityType).failed++;
    const redacted = redactSecrets(entity, record);
    for (const reason of reasons) {
      if (this.listed.length >= MAX_LISTED_ERRORS) {
        this.omitted++;
        continue;
      }
      this.listed.push({
        entityType,
        index: place.index,
        line: place.line,
        field: reason.field,
        error: reason.message,
        record: redacted,
      });
    }
  }
}
