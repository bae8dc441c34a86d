/**
 * How an import treats records that are already stored: `APPEND` inserts and fails on an existing
 * key, `UPSERT` updates by primary key or inserts, `REPLACE` empties each imported type and
 * refills it from the file.
 */
export type ImportMode = 'APPEND' | 'UPSERT' | 'REPLACE';

export const IMPORT_MODES: readonly ImportMode[] = ['APPEND', 'UPSERT', 'REPLACE'];

/** The formats an import reads; the same as those an export writes. */
export type ImportFormat = 'JSON' | 'YAML' | 'SQL';

export const IMPORT_FORMATS: readonly ImportFormat[] = ['JSON', 'YAML', 'SQL'];

/** Where an import stands, for a progress bar. */
export type ImportProgress =
  | { phase: 'reading'; position: number; size: number | null }
  | { phase: 'writing'; entityType: string; done: number; total: number };

export interface ImportOptions {
  mode?: ImportMode;
  /** Runs everything in a transaction that is rolled back, and reports what a real run would do. */
  dryRun?: boolean;
  /** Only records of these types are imported; the others are counted as skipped. */
  entityTypes?: readonly string[] | null;
  /** Skips failing records and commits the rest, instead of writing nothing. */
  ignoreErrors?: boolean;
  onProgress?: (progress: ImportProgress) => void;
}

/** Why one record of the file was not imported. */
export interface ImportError {
  entityType: string;
  /** The record's position among the records of its type in the file, counting from 0. */
  index: number;
  /** The line of the file where the record starts, where the format tells. */
  line: number | null;
  field: string | null;
  error: string;
  /** The record as the file gave it, secrets redacted. */
  record: unknown;
}

/** The counts of one entity type. */
export interface ImportTypeResult {
  entityType: string;
  imported: number;
  skipped: number;
  failed: number;
  deleted: number;
}

export interface ImportSummary {
  totalRecords: number;
  imported: number;
  skipped: number;
  failed: number;
  deleted: number;
  /** At most `MAX_LISTED_ERRORS`; `errorsOmitted` counts the rest. */
  errors: ImportError[];
  errorsOmitted: number;
}

export interface ImportResult {
  summary: ImportSummary;
  detailedResults: ImportTypeResult[];
  dryRun: boolean;
  /** Set when the import committed; the audit log row of the import carries it too. */
  transactionId: string | null;
}

/** The errors a result lists; a file of a million bad records must not make a gigabyte answer. */
export const MAX_LISTED_ERRORS = 1000;
