import { randomUUID } from 'node:crypto';
import type { Database } from '../../db/database';
import { badRequest, GatewayError, quote, unknownChoice } from '../../errors';
import type { Logger } from '../../logger';
import type { EntityRegistry } from '../../registry/entity-registry';
import type { AuditService } from '../audit-service';
import type { Actor } from '../record-query';
import { FileChecker } from './file-checker';
import { ImportErrors } from './import-errors';
import {
  IMPORT_FORMATS,
  IMPORT_MODES,
  type ImportFormat,
  type ImportError,
  type ImportMode,
  type ImportOptions,
  type ImportResult,
} from './import-result';
import { fileSource, type ImportSource, importFormatOf, textSource } from './import-source';
import { ImportWriter } from './import-writer';
import { readFileEntries } from './read-file-entries';
import { RecordSpool } from './record-spool';

/** Thrown inside the import's transaction to roll it back once the result is known. */
class RollBack extends Error {}

/** Records read between two progress reports of the first pass. */
const PROGRESS_EVERY = 5000;

/**
 * Imports JSON, YAML and SQL files, as exports write them, into the database.
 *
 * Two passes: the first checks every record of the file alone and spools those that pass; the
 * second, in one transaction, empties the replaced types, then checks each batch against the
 * database and writes it, in foreign-key order. The transaction commits only when nothing failed
 * (or `ignoreErrors` is set) and this is no dry run; it holds the import's audit log row too.
 */
export class ImportService {
  constructor(
    private readonly db: Database,
    private readonly registry: EntityRegistry,
    private readonly audit: AuditService,
    private readonly logger: Logger,
    private readonly maxBytes: number,
  ) {}

  /** Imports a file on disk; its name tells the format. */
  importFile(actor: Actor, path: string, fileName: string, options: ImportOptions = {}) {
    return this.importSource(actor, fileSource(path, importFormatOf(fileName), fileName), options);
  }

  /** Imports a file sent as a string. */
  importContent(actor: Actor, content: string, format: string, options: ImportOptions = {}) {
    if (!IMPORT_FORMATS.includes(format as ImportFormat)) {
      throw badRequest(unknownChoice('import format', format, IMPORT_FORMATS), { field: 'format' });
    }
    const bytes = Buffer.byteLength(content);
    if (bytes > this.maxBytes) {
      throw new GatewayError(
        'PAYLOAD_TOO_LARGE',
        `The content has ${bytes} bytes, more than the ${this.maxBytes} an import takes ` +
          '(MAX_UPLOAD_BYTES)',
      );
    }

    return this.importSource(actor, textSource(content, format as ImportFormat), options);
  }

  async importSource(
    actor: Actor,
    source: ImportSource,
    options: ImportOptions = {},
  ): Promise<ImportResult> {
    const mode = options.mode ?? 'APPEND';
    if (!IMPORT_MODES.includes(mode)) {
      throw badRequest(unknownChoice('import mode', String(mode), IMPORT_MODES), { field: 'mode' });
    }
    const filter = this.typeFilter(options.entityTypes);
    const started = Date.now();
    const errors = new ImportErrors();
    const spool = await RecordSpool.create();
    try {
      let read = 0;
      const file = await new FileChecker({
        registry: this.registry,
        actor,
        filter,
        complete: mode !== 'UPSERT',
        spool,
        errors,
        onRecord: () => {
          if (++read % PROGRESS_EVERY === 0) {
            options.onProgress?.({
              phase: 'reading',
              position: source.position,
              size: source.size,
            });
          }
        },
      }).check(readFileEntries(source, this.registry));
      await spool.finish();
      const checkedAt = Date.now();

      const transactionId = randomUUID();
      let succeeded = false;
      let committed = false;
      try {
        await this.db.transaction(async (tx) => {
          await new ImportWriter({
            tx,
            registry: this.registry,
            actor,
            mode,
            spool,
            file,
            errors,
            onProgress: options.onProgress,
          }).write();
          succeeded = errors.failedRecords === 0 || options.ignoreErrors === true;
          if (options.dryRun || !succeeded) {
            throw new RollBack();
          }
          await this.audit.record(tx, actor, {
            action: 'import',
            details: {
              transactionId,
              file: source.name,
              format: source.format,
              mode,
              ignoreErrors: options.ignoreErrors ?? false,
              entityTypes: filter ? [...filter] : null,
              counts: errors.allCounts,
            },
          });
        });
        committed = true;
      } catch (error) {
        if (!(error instanceof RollBack)) {
          throw error;
        }
      }

      const result = this.result(errors, file.totalRecords, {
        dryRun: options.dryRun ?? false,
        written: succeeded,
        transactionId: committed ? transactionId : null,
      });
      this.logger.info(
        {
          file: source.name,
          format: source.format,
          mode,
          dryRun: result.dryRun,
          transactionId: result.transactionId,
          totalRecords: result.summary.totalRecords,
          imported: result.summary.imported,
          skipped: result.summary.skipped,
          failed: result.summary.failed,
          deleted: result.summary.deleted,
          ms: Date.now() - started,
          fileCheckMs: checkedAt - started,
        },
        committed ? 'import committed' : 'import rolled back',
      );

      return result;
    } finally {
      await spool.dispose();
    }
  }

  /** The types named by `entityTypes`, checked; null for all. */
  private typeFilter(names: readonly string[] | null | undefined): Set<string> | null {
    if (!names || names.length === 0) {
      return null;
    }
    for (const name of names) {
      const entity = this.registry.get(name);
      if (entity.readOnly) {
        throw badRequest(`${quote(name)} is read-only: the gateway writes it and no import can`, {
          field: 'entityTypes',
          entityType: name,
        });
      }
    }

    return new Set(names);
  }

  /** Errors by entity type in foreign-key order, then by position in the file. */
  private inFileOrder(listed: ImportError[]): ImportError[] {
    const order = new Map(this.registry.names.map((name, i) => [name, i]));

    return [...listed].sort(
      (a, b) => order.get(a.entityType)! - order.get(b.entityType)! || a.index - b.index,
    );
  }

  private result(
    errors: ImportErrors,
    totalRecords: number,
    outcome: { dryRun: boolean; written: boolean; transactionId: string | null },
  ): ImportResult {
    // An import that failed writes nothing: its imports and deletions were rolled back.
    const detailedResults = this.registry.entities
      .map((entity) => errors.allCounts.find((c) => c.entityType === entity.name))
      .filter((counts) => counts !== undefined)
      .map((counts) => (outcome.written ? { ...counts } : { ...counts, imported: 0, deleted: 0 }));
    const sum = (key: 'imported' | 'skipped' | 'failed' | 'deleted') =>
      detailedResults.reduce((total, counts) => total + counts[key], 0);

    return {
      summary: {
        totalRecords,
        imported: sum('imported'),
        skipped: sum('skipped'),
        failed: sum('failed'),
        deleted: sum('deleted'),
        errors: this.inFileOrder(errors.listed),
        errorsOmitted: errors.omitted,
      },
      detailedResults,
      dryRun: outcome.dryRun,
      transactionId: outcome.transactionId,
    };
  }
}
