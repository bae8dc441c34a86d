import { randomUUID } from 'node:crypto';
import type { Database } from '../../db/database';
import { badRequest, GatewayError, quote, unknownChoice } from '../../errors';
import type { Logger } from '../../logger';
import type { EntityRegistry } from '../../registry/entity-registry';
import type { AuditService } from '../audit-service';
import type { Actor } from '../record-query';
import { type CheckedFile, FileChecker } from './file-checker';
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

interface FirstPass {
  mode: ImportMode;
  filter: Set<string> | null;
  spool: RecordSpool;
  errors: ImportErrors;
  options: ImportOptions;
}

interface SecondPass extends FirstPass {
  file: CheckedFile;
}

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
      const file = await this.checkFile(actor, source, { mode, filter, spool, errors, options });
      const checkedAt = Date.now();
      const outcome = await this.writeFile(actor, source, {
        mode,
        filter,
        spool,
        file,
        errors,
        options,
      });
      const result = this.result(errors, file.totalRecords, outcome);
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
        result.transactionId ? 'import committed' : 'import rolled back',
      );

      return result;
    } finally {
      await spool.dispose();
    }
  }

  /** The first pass: every record of the file checked alone, those that pass spooled. */
  private async checkFile(
    actor: Actor,
    source: ImportSource,
    pass: FirstPass,
  ): Promise<CheckedFile> {
    let read = 0;
    const file = await new FileChecker({
      registry: this.registry,
      actor,
      filter: pass.filter,
      complete: pass.mode !== 'UPSERT',
      spool: pass.spool,
      errors: pass.errors,
      onRecord: () => {
        if (++read % PROGRESS_EVERY === 0) {
          pass.options.onProgress?.({
            phase: 'reading',
            position: source.position,
            size: source.size,
          });
        }
      },
    }).check(readFileEntries(source, this.registry));
    await pass.spool.finish();

    return file;
  }

  /**
   * The second pass, in one transaction with the import's audit row: committed when nothing
   * failed (or ignoreErrors) and this is no dry run, rolled back otherwise.
   */
  private async writeFile(actor: Actor, source: ImportSource, pass: SecondPass) {
    const { errors, options } = pass;
    const transactionId = randomUUID();
    let succeeded = false;
    try {
      await this.db.transaction(async (tx) => {
        await new ImportWriter({
          tx,
          registry: this.registry,
          actor,
          mode: pass.mode,
          spool: pass.spool,
          file: pass.file,
          errors,
          onProgress: options.onProgress,
        }).write();
        succeeded = errors.failedRecords === 0 || options.ignoreErrors === true;
        await this.audit.record(tx, actor, {
          action: 'import',
          details: {
            transactionId,
            file: source.name,
            format: source.format,
            mode: pass.mode,
            ignoreErrors: options.ignoreErrors ?? false,
            entityTypes: pass.filter ? [...pass.filter] : null,
            counts: errors.allCounts,
          },
        });
        if (options.dryRun || !succeeded) {
          throw new RollBack();
        }
      });
    } catch (error) {
      if (!(error instanceof RollBack)) {
        throw error;
      }

      return { dryRun: options.dryRun ?? false, written: succeeded, transactionId: null };
    }

    return { dryRun: false, written: true, transactionId };
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
