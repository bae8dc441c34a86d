import type { Queryable } from '../../db/database';
import { constraintFailure } from '../../db/database-errors';
import { badRequest, quote } from '../../errors';
import type { EntityInfo, FieldInfo } from '../../registry/entity-info';
import type { EntityRegistry } from '../../registry/entity-registry';
import { decodeRecord, encodeValue, type EntityRecord } from '../../registry/record-codec';
import { validateRecord } from '../../registry/record-validator';
import { type Actor, fromTable, selectList, tenantCondition } from '../record-query';
import { SqlParams } from '../sql-params';
import type { CheckedFile } from './file-checker';
import type { ImportErrors } from './import-errors';
import type { ImportMode, ImportProgress } from './import-result';
import type { RecordSpool, SpooledRecord } from './record-spool';
import { sameValue } from './same-value';
import { storeRecords } from './store-records';
import { describeKey, keyValue, uniqueKeysOf } from './unique-keys';

/** Records checked against the database and written together. */
const WRITE_BATCH_SIZE = 2000;

export interface ImportWriteContext {
  tx: Queryable;
  registry: EntityRegistry;
  actor: Actor;
  mode: ImportMode;
  spool: RecordSpool;
  file: CheckedFile;
  errors: ImportErrors;
  onProgress?: (progress: ImportProgress) => void;
}

/** A record that passed every check and waits to be written. */
interface Candidate {
  item: SpooledRecord;
  /** The record to store: the file's, or the stored one with the file's fields over it. */
  record: EntityRecord;
  update: boolean;
}

interface Stored {
  record: EntityRecord;
  /** Whether the actor's tenant reaches the stored record. */
  inScope: boolean;
}

const SAVEPOINT = 'import_batch';

/**
 * The second pass of an import, inside its transaction: types in foreign-key order (emptied
 * children first for REPLACE), each read back from the spool a batch at a time, checked against
 * the database (existing keys, unique values, foreign keys) and written with multi-row
 * statements. A failing record is recorded and left out, so that every error is listed; the
 * caller decides whether to commit.
 */
export class ImportWriter {
  constructor(private readonly context: ImportWriteContext) {}

  async write(): Promise<void> {
    const { registry, file, mode } = this.context;
    const imported = registry.entities.filter((e) => file.types.includes(e.name) && !e.readOnly);
    if (mode === 'REPLACE') {
      await this.empty(imported);
    }
    for (const entity of imported) {
      await this.writeType(entity);
    }
  }

  /**
   * REPLACE would lose records of types the file does not hold when emptying a type deletes or
   * clears what points at it; such an import is refused before anything is deleted.
   */
  private async refuseCollateralLoss(replaced: EntityInfo[]): Promise<void> {
    const { tx, registry, actor } = this.context;
    const losses: string[] = [];
    for (const entity of replaced) {
      for (const { child, field } of registry.referencing(entity)) {
        if (replaced.includes(child) || !field.references) {
          continue;
        }
        const params = new SqlParams(tx.dialect);
        const scope = tenantCondition(registry, entity, actor, params, 'p0');
        const [row] = await tx.query<{ n: number }>(
          `SELECT COUNT(*) AS n FROM ${params.column(child.name)} AS c0 ` +
            `WHERE ${params.column(field.name, 'c0')} IN (SELECT ` +
            `${params.column(field.references.field, 'p0')} FROM ${fromTable(params, entity, 'p0')} ` +
            `WHERE ${scope})`,
          params.values,
        );
        const count = Number(row?.n ?? 0);
        if (count > 0) {
          const effect = field.references.onDelete === 'CASCADE' ? 'delete' : 'clear';
          losses.push(`${effect} ${child.name}.${field.name} of ${count} records`);
        }
      }
    }
    if (losses.length > 0) {
      throw badRequest(
        `REPLACE empties ${replaced.map((e) => e.name).join(', ')} first, which would ` +
          `${losses.join(' and ')} that the file does not hold. Put those types in the file ` +
          '(an export with includeSensitive has them all), or import with UPSERT.',
      );
    }
  }

  /** REPLACE: deletes the actor's records of every imported type, children first. */
  private async empty(replaced: EntityInfo[]): Promise<void> {
    const { tx, registry, actor, errors } = this.context;
    await this.refuseCollateralLoss(replaced);
    const affected = new Set(replaced);
    for (const entity of affected) {
      for (const { child, field } of registry.referencing(entity)) {
        if (field.references?.onDelete === 'CASCADE') {
          affected.add(child);
        }
      }
    }
    const before = new Map<EntityInfo, number>();
    for (const entity of affected) {
      before.set(entity, await this.countRows(entity));
    }
    for (const entity of [...replaced].reverse()) {
      const params = new SqlParams(tx.dialect);
      const table = params.column(entity.name);
      const scope = tenantCondition(registry, entity, actor, params, table);
      await tx.query(`DELETE FROM ${table} WHERE ${scope}`, params.values);
    }
    for (const entity of registry.entities.filter((e) => affected.has(e))) {
      const deleted = before.get(entity)! - (await this.countRows(entity));
      if (deleted > 0 || replaced.includes(entity)) {
        errors.countsOf(entity.name).deleted = deleted;
      }
    }
  }

  private async countRows(entity: EntityInfo): Promise<number> {
    const [row] = await this.context.tx.query<{ n: number }>(
      `SELECT COUNT(*) AS n FROM ${this.context.tx.dialect.quote(entity.name)}`,
    );

    return Number(row?.n ?? 0);
  }

  private async writeType(entity: EntityInfo): Promise<void> {
    const { spool, onProgress } = this.context;
    const total = spool.count(entity.name);
    // A table empty at its turn holds no rows that the file's records could meet.
    const empty = await this.isEmpty(entity);
    const waiting: Candidate[] = [];
    let done = 0;
    for await (const batch of spool.batches(entity.name, WRITE_BATCH_SIZE)) {
      const candidates = await this.check(entity, batch, empty);
      const ready = await this.withParents(entity, candidates, waiting);
      await this.store(entity, ready);
      await this.release(entity, waiting);
      done += batch.length;
      onProgress?.({ phase: 'writing', entityType: entity.name, done, total });
    }
    for (const candidate of waiting) {
      const field = this.selfReferences(entity).find((f) => candidate.record[f.name] !== null)!;
      this.fail(entity, candidate.item, field.name, this.missingParent(field, candidate));
    }
  }

  private async isEmpty(entity: EntityInfo): Promise<boolean> {
    const rows = await this.context.tx.query(
      `SELECT 1 AS found FROM ${this.context.tx.dialect.quote(entity.name)} LIMIT 1`,
    );

    return rows.length === 0;
  }

  private fail(entity: EntityInfo, item: SpooledRecord, field: string | null, message: string) {
    const given = Object.fromEntries(
      Object.entries(item.record).filter(([name]) => !item.defaulted.includes(name)),
    );
    this.context.errors.fail(entity, entity.name, item, given, [{ field, message }]);
  }

  /** Existing keys, unique values and foreign keys of a batch, against the database. */
  private async check(
    entity: EntityInfo,
    batch: SpooledRecord[],
    empty: boolean,
  ): Promise<Candidate[]> {
    const { mode, errors } = this.context;
    const stored = empty ? new Map<string, Stored>() : await this.storedRows(entity, batch);
    let candidates: Candidate[] = [];
    for (const item of batch) {
      const key = String(item.record[entity.primaryKey]);
      const existing = stored.get(key);
      if (!existing) {
        const incomplete = entity.fields.some(
          (f) => f.required && item.record[f.name] === undefined,
        );
        const problems = incomplete
          ? validateRecord(entity, item.record, { complete: true, storedSecrets: true })
          : [];
        if (problems.length > 0) {
          this.fail(entity, item, problems[0].field, problems.map((p) => p.message).join('; '));
          continue;
        }
        candidates.push({ item, record: item.record, update: false });
        continue;
      }
      if (mode !== 'UPSERT' || !existing.inScope) {
        const hint =
          mode === 'APPEND' ? '; UPSERT updates existing records' : ' outside your tenant';
        const id = `${entity.primaryKey} ${quote(key)}`;
        this.fail(
          entity,
          item,
          entity.primaryKey,
          `${entity.name} with ${id} already exists${hint}`,
        );
        continue;
      }
      const merged = { ...existing.record };
      for (const field of entity.fields) {
        if (item.record[field.name] !== undefined && !item.defaulted.includes(field.name)) {
          merged[field.name] = item.record[field.name];
        }
      }
      if (entity.fields.every((f) => sameValue(existing.record[f.name], merged[f.name]))) {
        errors.countsOf(entity.name).skipped++;
        continue;
      }
      const problems = validateRecord(entity, merged, { complete: true, storedSecrets: true });
      if (problems.length > 0) {
        this.fail(entity, item, problems[0].field, problems.map((p) => p.message).join('; '));
        continue;
      }
      candidates.push({ item, record: merged, update: true });
    }
    if (!empty) {
      candidates = await this.withoutConflicts(entity, candidates);
    }

    return this.withReferences(entity, candidates);
  }

  /** The stored records with the batch's primary keys, secrets included, with their scope. */
  private async storedRows(entity: EntityInfo, batch: SpooledRecord[]) {
    const { tx, registry, actor } = this.context;
    const params = new SqlParams(tx.dialect);
    const scope = tenantCondition(registry, entity, actor, params, 't0');
    const inScope = scope === 'TRUE' ? '1' : `CASE WHEN ${scope} THEN 1 ELSE 0 END`;
    const pk = entity.fieldsByName.get(entity.primaryKey)!;
    const list = batch
      .map((item) => params.add(encodeValue(tx.dialect, pk, item.record[pk.name])))
      .join(', ');
    const rows = await tx.query(
      `SELECT ${selectList(params, entity, 't0', true)}, ${inScope} AS "inScope" ` +
        `FROM ${fromTable(params, entity, 't0')} ` +
        `WHERE ${params.column(pk.name, 't0')} IN (${list})`,
      params.values,
    );
    const stored = new Map<string, Stored>();
    for (const row of rows) {
      const record = decodeRecord(tx.dialect, entity, row, true);
      stored.set(String(record[pk.name]), { record, inScope: Number(row.inScope) === 1 });
    }

    return stored;
  }

  /** Leaves out records whose unique values another stored record holds. */
  private async withoutConflicts(entity: EntityInfo, candidates: Candidate[]) {
    const { tx } = this.context;
    let remaining = candidates;
    for (const key of uniqueKeysOf(entity).slice(1)) {
      const last = key.fields[key.fields.length - 1];
      const values = [...new Set(remaining.map((c) => c.record[last]).filter((v) => v !== null))];
      if (values.length === 0) {
        continue;
      }
      const params = new SqlParams(tx.dialect);
      const field = entity.fieldsByName.get(last)!;
      const list = values.map((v) => params.add(encodeValue(tx.dialect, field, v))).join(', ');
      const columns = [entity.primaryKey, ...key.fields].map((name) => params.column(name));
      const rows = await tx.query(
        `SELECT ${columns.join(', ')} FROM ${params.column(entity.name)} ` +
          `WHERE ${params.column(last)} IN (${list})`,
        params.values,
      );
      const holders = new Map<string, unknown>();
      for (const row of rows) {
        const record = decodeRecord(tx.dialect, entity, row);
        holders.set(keyValue(key, record) ?? '', record[entity.primaryKey]);
      }
      remaining = remaining.filter((candidate) => {
        const value = keyValue(key, candidate.record);
        const holder = value === undefined ? undefined : holders.get(value);
        if (holder === undefined || holder === candidate.record[entity.primaryKey]) {
          return true;
        }
        this.fail(
          entity,
          candidate.item,
          last,
          `${entity.name} with ${describeKey(key, candidate.record)} already exists in another ` +
            `record`,
        );

        return false;
      });
    }

    return remaining;
  }

  private selfReferences(entity: EntityInfo): FieldInfo[] {
    return entity.fields.filter((f) => f.references?.entityType === entity.name);
  }

  /** Leaves out records whose foreign keys name records neither the database nor the file has. */
  private async withReferences(entity: EntityInfo, candidates: Candidate[]) {
    const { registry, file } = this.context;
    let remaining = candidates;
    for (const field of entity.fields) {
      if (!field.references || remaining.length === 0) {
        continue;
      }
      const parent = registry.get(field.references.entityType);
      const found = await this.existingValues(parent, field.references.field, remaining, field);
      const self = parent === entity;
      const inFile = self ? file.keysOf(entity.name, field.references.field) : undefined;
      remaining = remaining.filter((candidate) => {
        const value = candidate.record[field.name];
        if (value === null || found.has(String(value))) {
          return true;
        }
        if (self && value === candidate.record[entity.primaryKey]) {
          this.fail(
            entity,
            candidate.item,
            field.name,
            `'${field.name}' cannot point at the record itself`,
          );
          return false;
        }
        if (inFile?.has(String(value))) {
          // Its parent comes later in the file: it waits (see withParents).
          return true;
        }
        this.fail(entity, candidate.item, field.name, this.missingParent(field, candidate));

        return false;
      });
    }

    return remaining;
  }

  private missingParent(field: FieldInfo, candidate: Candidate): string {
    const parent = field.references!.entityType;
    const value = candidate.record[field.name];
    const inFile = this.context.file.inFile(parent, field.references!.field, value);
    const why = inFile
      ? 'its record in the file was not imported'
      : this.context.actor.tenantId === null
        ? 'it is neither in the database nor in the file'
        : 'it is neither in your tenant nor in the file';

    return `'${field.name}' refers to ${parent} ${quote(value)}, which does not exist: ${why}`;
  }

  /** The values of `targetField` of `parent` that the database holds, in the actor's reach. */
  private async existingValues(
    parent: EntityInfo,
    targetField: string,
    candidates: Candidate[],
    field: FieldInfo,
  ): Promise<Set<string>> {
    const { tx, registry, actor } = this.context;
    const values = [
      ...new Set(candidates.map((c) => c.record[field.name]).filter((v) => v !== null)),
    ];
    if (values.length === 0) {
      return new Set();
    }
    const params = new SqlParams(tx.dialect);
    const target = parent.fieldsByName.get(targetField)!;
    const list = values.map((v) => params.add(encodeValue(tx.dialect, target, v))).join(', ');
    const scope = tenantCondition(registry, parent, actor, params, 't0');
    const rows = await tx.query<Record<string, unknown>>(
      `SELECT ${params.column(targetField, 't0')} AS value ` +
        `FROM ${fromTable(params, parent, 't0')} ` +
        `WHERE ${params.column(targetField, 't0')} IN (${list}) AND ${scope}`,
      params.values,
    );

    return new Set(rows.map((row) => String(row.value)));
  }

  /**
   * Records of a self-referencing type (a component node under another) whose parent is not
   * stored yet wait until it is; the others are ready now.
   */
  private async withParents(entity: EntityInfo, candidates: Candidate[], waiting: Candidate[]) {
    const fields = this.selfReferences(entity);
    if (fields.length === 0) {
      return candidates;
    }
    const ready: Candidate[] = [];
    const found = new Map<FieldInfo, Set<string>>();
    for (const field of fields) {
      found.set(
        field,
        await this.existingValues(entity, field.references!.field, candidates, field),
      );
    }
    for (const candidate of candidates) {
      const stored = fields.every((field) => {
        const value = candidate.record[field.name];
        return value === null || found.get(field)!.has(String(value));
      });
      (stored ? ready : waiting).push(candidate);
    }

    return ready;
  }

  /** Writes the waiting records whose parents are now stored, until no more become ready. */
  private async release(entity: EntityInfo, waiting: Candidate[]): Promise<void> {
    while (waiting.length > 0) {
      const ready = await this.withParents(entity, waiting.splice(0), waiting);
      if (ready.length === 0) {
        return;
      }
      await this.store(entity, ready);
    }
  }

  private async store(entity: EntityInfo, candidates: Candidate[]): Promise<void> {
    const inserts = candidates.filter((c) => !c.update);
    const updates = candidates.filter((c) => c.update);
    const counts = this.context.errors.countsOf(entity.name);
    counts.imported += await this.guarded(entity, inserts, (records) =>
      storeRecords(this.context.tx, entity, records, false),
    );
    counts.imported += await this.guarded(entity, updates, (records) =>
      storeRecords(this.context.tx, entity, records, true),
    );
  }

  /**
   * Runs a write inside a savepoint. Should the database refuse it (the checks above make that
   * rare), the records are written one by one to find and leave out those it refuses.
   * Returns how many records were written.
   */
  private async guarded(
    entity: EntityInfo,
    candidates: Candidate[],
    write: (records: EntityRecord[]) => Promise<void>,
  ): Promise<number> {
    if (candidates.length === 0) {
      return 0;
    }
    const { tx } = this.context;
    await tx.query(`SAVEPOINT ${SAVEPOINT}`);
    try {
      await write(candidates.map((c) => c.record));
      await tx.query(`RELEASE SAVEPOINT ${SAVEPOINT}`);

      return candidates.length;
    } catch (error) {
      await tx.query(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
      await tx.query(`RELEASE SAVEPOINT ${SAVEPOINT}`);
      const failure = constraintFailure(error);
      if (failure?.kind === 'unavailable') {
        throw error;
      }
      if (candidates.length > 1) {
        let written = 0;
        for (const candidate of candidates) {
          written += await this.guarded(entity, [candidate], write);
        }

        return written;
      }
      this.fail(entity, candidates[0].item, failure?.column ?? null, refusal(entity, error));

      return 0;
    }
  }
}

/** What the database said about a record it refused, in the API's terms. */
function refusal(entity: EntityInfo, error: unknown): string {
  const failure = constraintFailure(error);
  const column = failure?.column ? ` '${failure.column}'` : '';
  switch (failure?.kind) {
    case 'unique':
      return `The database refused the record: another ${entity.name} has the same${column || ' value'}`;
    case 'foreign-key':
      return 'The database refused the record: it refers to a record that does not exist';
    case 'not-null':
      return `The database refused the record:${column || ' a field'} is required`;
    default:
      return `The database refused the record: ${(error as Error).message}`;
  }
}
