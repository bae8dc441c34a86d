import type { Database, Queryable } from '../../db/database';
import { withReadSnapshot } from '../../db/read-snapshot';
import { badRequest, GatewayError } from '../../errors';
import type { Logger } from '../../logger';
import type { EntityRegistry } from '../../registry/entity-registry';
import type { AuditService } from '../audit-service';
import type { EntityCount } from '../entity-service';
import type { Actor } from '../record-query';
import {
  DOWNLOAD_LINK_TTL_MS,
  type DownloadLink,
  type DownloadLinkStore,
  linkKey,
  MemoryDownloadLinkStore,
  newLinkToken,
} from './download-links';
import {
  EXPORT_FILE_VERSION,
  type ExportFormat,
  type ExportOptions,
  type ExportPlan,
  exportFilename,
  FORMAT_FILES,
  planExport,
} from './export-plan';
import type { ExportWriter } from './export-writer';
import { JsonWriter } from './json-writer';
import { type BatchQuery, countRecords, recordBatches } from './record-batches';
import { SqlWriter } from './sql-writer';
import { YamlWriter } from './yaml-writer';

/** The largest export returned inline in a GraphQL response. */
export const INLINE_LIMIT_BYTES = 5 * 1024 * 1024;

/** What an export is, once its records are counted. */
export interface ExportSummary {
  plan: ExportPlan;
  /** When the records were read (the start of the read snapshot). */
  exportedAt: number;
  counts: EntityCount[];
  filename: string;
  contentType: string;
}

/** How an export leaves the gateway, as the audit log records it. */
export type ExportDelivery = 'inline' | 'download-link' | 'download' | 'stream' | 'command-line';

export interface WriteOptions {
  delivery: ExportDelivery;
  /** Called once the records are counted, before the first piece is written. */
  onStart?: (summary: ExportSummary) => Promise<void> | void;
  /** Called as each type starts and after each of its batches, with the records written. */
  onProgress?: (entityType: string, done: number, total: number) => void;
}

const WRITERS: Record<ExportFormat, () => ExportWriter> = {
  JSON: () => new JsonWriter(),
  YAML: () => new YamlWriter(),
  SQL: () => new SqlWriter(),
};

/**
 * Exports records as JSON, YAML or SQL. Every export reads one consistent snapshot of the database
 * in keyset batches through the registry and the actor's tenant rules, and hands the file on a
 * piece at a time, so memory stays flat however large the tables. Every export, finished or not,
 * is written to the audit log.
 */
export class ExportService {
  /** Records read per query, and per INSERT statement in a SQL export. */
  batchSize = 1000;
  /**
   * Exports that may read at once. On PostgreSQL each holds a pooled connection for as long as
   * its reader takes, so slow downloads must not take the whole pool.
   */
  maxRunning = 4;
  private running = 0;

  constructor(
    private readonly db: Database,
    private readonly registry: EntityRegistry,
    private readonly audit: AuditService,
    private readonly logger: Logger,
    readonly links: DownloadLinkStore = new MemoryDownloadLinkStore(),
  ) {}

  /** Checks the options of an export: BAD_REQUEST naming the bad value and the valid ones. */
  plan(options: ExportOptions): ExportPlan {
    return planExport(this.registry, this.db.dialect.name, options);
  }

  /** Counts what an export would hold, without reading the records. */
  async count(actor: Actor, options: ExportOptions): Promise<ExportSummary> {
    const plan = this.plan(options);

    return withReadSnapshot(this.db, (q) => this.summarize(q, actor, plan));
  }

  /**
   * Writes an export through `write`, one piece after another; a piece is not asked for before
   * the previous one was taken, so a slow reader slows the export instead of filling memory.
   */
  async write(
    actor: Actor,
    options: ExportOptions,
    write: (piece: string) => Promise<void> | void,
    how: WriteOptions,
  ): Promise<ExportSummary> {
    const plan = this.plan(options);
    if (this.running >= this.maxRunning) {
      throw new GatewayError(
        'SERVICE_UNAVAILABLE',
        `Too many exports at once: this gateway runs at most ${this.maxRunning}. Try again ` +
          'when one has finished',
        {},
        { 'retry-after': '10' },
      );
    }
    this.running++;
    const started = Date.now();
    let summary: ExportSummary | undefined;
    let complete = false;
    try {
      await withReadSnapshot(this.db, async (q) => {
        summary = await this.summarize(q, actor, plan);
        await how.onStart?.(summary);
        await this.writeFile(q, actor, summary, write, how);
      });
      complete = true;

      return summary!;
    } finally {
      this.running--;
      // The file has gone out already: a failure to record it is logged, not thrown.
      await this.record(actor, plan, summary, how.delivery, { complete, started }).catch(
        (error: unknown) =>
          this.logger.error({ err: error }, 'export not written to the audit log'),
      );
    }
  }

  /** The whole file as a string, when it stays within `INLINE_LIMIT_BYTES`. */
  async inline(actor: Actor, options: ExportOptions) {
    const pieces: string[] = [];
    let bytes = 0;
    const summary = await this.write(
      actor,
      options,
      (piece) => {
        bytes += Buffer.byteLength(piece);
        if (bytes > INLINE_LIMIT_BYTES) {
          throw badRequest(
            `The export is larger than 5 MB (${INLINE_LIMIT_BYTES} bytes), too large to return ` +
              'inline: leave out inline and fetch the downloadUrl',
            { field: 'inline' },
          );
        }
        pieces.push(piece);
      },
      { delivery: 'inline' },
    );

    return { summary, content: pieces.join('') };
  }

  /**
   * Counts an export and makes a single-use link that streams it within 5 minutes. The link
   * reads the records when it is used, as the actor who made it.
   */
  async createDownloadLink(actor: Actor, options: ExportOptions, sessionId: string | null) {
    const started = Date.now();
    const summary = await this.count(actor, options);
    const token = newLinkToken();
    const expiresAt = started + DOWNLOAD_LINK_TTL_MS;
    const link = { actor, sessionId, options, createdAt: started, expiresAt };
    await this.links.put(linkKey(token), link);
    await this.record(actor, summary.plan, summary, 'download-link', { complete: true, started });

    return { summary, token, expiresAt };
  }

  /** The export a link token stands for, once: undefined when unknown, used or expired. */
  async takeDownloadLink(token: string): Promise<DownloadLink | undefined> {
    return this.links.take(linkKey(token), Date.now());
  }

  private async summarize(q: Queryable, actor: Actor, plan: ExportPlan): Promise<ExportSummary> {
    const exportedAt = Date.now();
    const counts: EntityCount[] = [];
    for (const entity of plan.entities) {
      const count = await countRecords(q, this.batchQuery(actor, plan, entity));
      counts.push({ entityType: entity.name, count });
    }

    return {
      plan,
      exportedAt,
      counts,
      filename: exportFilename(plan.format, exportedAt),
      contentType: FORMAT_FILES[plan.format].contentType,
    };
  }

  private batchQuery(actor: Actor, plan: ExportPlan, entity: ExportPlan['entities'][number]) {
    const query: BatchQuery = {
      registry: this.registry,
      entity,
      actor,
      filter: plan.filtered.has(entity.name) ? plan.filter : null,
      withSecrets: plan.includeSensitive,
      batchSize: this.batchSize,
    };

    return query;
  }

  private async writeFile(
    q: Queryable,
    actor: Actor,
    summary: ExportSummary,
    write: (piece: string) => Promise<void> | void,
    how: WriteOptions,
  ): Promise<void> {
    const { plan } = summary;
    const writer = WRITERS[plan.format]();
    await write(
      writer.begin({
        exportedAt: summary.exportedAt,
        version: EXPORT_FILE_VERSION,
        dialect: plan.dialect,
        counts: summary.counts,
      }),
    );
    for (const [index, entity] of plan.entities.entries()) {
      const total = summary.counts[index].count;
      await write(writer.startType(entity, total));
      how.onProgress?.(entity.name, 0, total);
      let done = 0;
      for await (const records of recordBatches(q, this.batchQuery(actor, plan, entity))) {
        await write(writer.records(entity, records));
        done += records.length;
        how.onProgress?.(entity.name, done, total);
      }
      await write(writer.endType(entity));
    }
    await write(writer.finish());
  }

  /** The audit row and the log line of an export, written whether or not it finished. */
  private async record(
    actor: Actor,
    plan: ExportPlan,
    summary: ExportSummary | undefined,
    delivery: ExportDelivery,
    outcome: { complete: boolean; started: number },
  ): Promise<void> {
    const counts = Object.fromEntries((summary?.counts ?? []).map((c) => [c.entityType, c.count]));
    const details = {
      format: plan.format,
      dialect: plan.format === 'SQL' ? plan.dialect : undefined,
      entityTypes: plan.entities.map((e) => e.name),
      filter: plan.filter ?? undefined,
      filteredTypes: plan.filter === null ? undefined : [...plan.filtered],
      includeSensitive: plan.includeSensitive,
      delivery,
      counts,
      complete: outcome.complete,
    };
    const durationMs = Date.now() - outcome.started;
    this.logger.info({ ...details, userId: actor.userId, durationMs }, 'export');
    await this.audit.record(this.db, actor, { action: 'export', details });
  }
}
