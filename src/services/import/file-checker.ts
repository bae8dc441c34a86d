import { badRequest, quote, unknownChoice } from '../../errors';
import type { EntityInfo } from '../../registry/entity-info';
import type { EntityRegistry } from '../../registry/entity-registry';
import type { EntityRecord } from '../../registry/record-codec';
import { validateRecord } from '../../registry/record-validator';
import type { Actor } from '../record-query';
import type { FileEntry } from './file-entry';
import type { ImportErrors } from './import-errors';
import { KeyIndex } from './key-index';
import type { RecordSpool } from './record-spool';
import { describeKey, keyValue, type UniqueKey, uniqueKeysOf } from './unique-keys';

export interface FileCheckContext {
  registry: EntityRegistry;
  actor: Actor;
  /** The types to import; null for every type in the file. */
  filter: ReadonlySet<string> | null;
  /**
   * Whether records must hold every required field. Not for UPSERT, whose records may update a
   * stored record with a few fields; one that turns out to be new is checked again then.
   */
  complete: boolean;
  spool: RecordSpool;
  errors: ImportErrors;
  /** Called after each record, for progress. */
  onRecord?: () => void;
}

/** What the check of the file alone found. */
export interface CheckedFile {
  /** The types the file lists (an empty list counts), after the filter, in file order. */
  types: string[];
  totalRecords: number;
  /** The values of a unique field among the records that passed, with their positions. */
  keysOf(entityType: string, field: string): KeyIndex | undefined;
  /** Whether a record of the file, passed or failed, has that value in a unique field. */
  inFile(entityType: string, field: string, value: unknown): boolean;
}

interface TypeState {
  entity: EntityInfo;
  next: number;
  keys: Array<{ key: UniqueKey; seen: KeyIndex }>;
  /** The values of unique fields of records that failed, by field. */
  failed: Map<string, KeyIndex>;
}

/**
 * The first pass of an import, over the file alone: every record is checked against the rules of
 * its type (required fields, kinds, lengths, patterns, JSON checks), its tenant, and the records
 * before it (duplicate keys), and the records that pass are spooled. No database is read, and
 * only the keys of the records are held in memory.
 */
export class FileChecker {
  private readonly states = new Map<string, TypeState>();
  private readonly types: string[] = [];
  private total = 0;

  constructor(private readonly context: FileCheckContext) {}

  async check(entries: AsyncIterable<FileEntry>): Promise<CheckedFile> {
    for await (const entry of entries) {
      const state = this.stateOf(entry);
      if (!('record' in entry)) {
        continue;
      }
      this.total++;
      const index = state.next++;
      if (this.context.filter && !this.context.filter.has(state.entity.name)) {
        this.context.errors.countsOf(state.entity.name).skipped++;
        continue;
      }
      const writing = this.checkRecord(state, entry, index);
      if (writing) {
        await writing;
      }
      this.context.onRecord?.();
    }

    const states = this.states;
    const keysOf = (entityType: string, field: string) =>
      states.get(entityType)?.keys.find(({ key }) => !key.group && key.fields[0] === field)?.seen;

    return {
      types: this.types,
      totalRecords: this.total,
      keysOf,
      inFile: (entityType, field, value) =>
        keysOf(entityType, field)?.has(String(value)) === true ||
        states.get(entityType)?.failed.get(field)?.has(String(value)) === true,
    };
  }

  private stateOf(entry: FileEntry): TypeState {
    const known = this.states.get(entry.entityType);
    if (known) {
      return known;
    }
    const { registry, filter, errors } = this.context;
    if (!registry.has(entry.entityType)) {
      throw badRequest(
        `Line ${entry.line}: ${unknownChoice('entity type', entry.entityType, registry.names)}`,
        { line: entry.line, entityType: entry.entityType },
      );
    }
    const entity = registry.get(entry.entityType);
    const state: TypeState = {
      entity,
      next: 0,
      keys: uniqueKeysOf(entity).map((key) => ({ key, seen: new KeyIndex() })),
      failed: new Map(),
    };
    this.states.set(entity.name, state);
    errors.countsOf(entity.name);
    if (!filter || filter.has(entity.name)) {
      this.types.push(entity.name);
    }

    return state;
  }

  /** Checks one record; returns a promise only when the spool has to wait for the disk. */
  private checkRecord(state: TypeState, entry: FileEntry, index: number): Promise<void> | void {
    const { entity } = state;
    if (entity.readOnly) {
      const message = `${entity.name} is read-only: the gateway writes it and no import can; leave it out with entityTypes`;
      return this.fail(state, entry, index, [{ field: null, message }]);
    }
    const given = entry.record;
    if (typeof given !== 'object' || given === null || Array.isArray(given)) {
      const message = `A record of ${entity.name} must be an object of field values, got ${quote(given)}`;
      return this.fail(state, entry, index, [{ field: null, message }]);
    }

    const { record, defaulted } = this.complete(entity, given as EntityRecord);
    const problems = validateRecord(entity, record, {
      complete: this.context.complete,
      storedSecrets: true,
    });
    const tenantProblem = this.confine(entity, record, defaulted);
    if (tenantProblem) {
      problems.unshift(tenantProblem);
    }
    if (entry.problems) {
      problems.unshift(...entry.problems);
    }
    if (problems.length > 0) {
      return this.fail(state, entry, index, problems);
    }

    const values = state.keys.map(({ key }) => keyValue(key, record));
    for (const [i, { key, seen }] of state.keys.entries()) {
      const first = values[i] === undefined ? undefined : seen.get(values[i]!);
      if (first !== undefined) {
        const message =
          `${entity.name} with ${describeKey(key, record)} appears twice in the file: ` +
          `record ${first} has it too`;
        return this.fail(state, entry, index, [{ field: key.fields.at(-1)!, message }]);
      }
    }
    state.keys.forEach(({ seen }, i) => {
      if (values[i] !== undefined) {
        seen.add(values[i]!, index);
      }
    });

    return this.context.spool.add(entity.name, { index, line: entry.line, record, defaulted });
  }

  private fail(
    state: TypeState,
    entry: FileEntry,
    index: number,
    reasons: Array<{ field: string | null; message: string }>,
  ): void {
    this.rememberFailed(state, entry.record);
    const place = { index, line: entry.line };
    this.context.errors.fail(state.entity, state.entity.name, place, entry.record, reasons);
  }

  /** Keeps the unique values of a failed record, so that its children can say why they fail. */
  private rememberFailed(state: TypeState, record: unknown): void {
    if (typeof record !== 'object' || record === null) {
      return;
    }
    for (const { key } of state.keys) {
      const value = (record as EntityRecord)[key.fields[0]];
      if (key.group || (typeof value !== 'string' && typeof value !== 'number')) {
        continue;
      }
      const values = state.failed.get(key.fields[0]) ?? new KeyIndex();
      values.add(String(value), 0);
      state.failed.set(key.fields[0], values);
    }
  }

  /** Every field of the type: as given, else its default, else null; unknown fields are kept. */
  private complete(entity: EntityInfo, given: EntityRecord) {
    const record: EntityRecord = {};
    const defaulted: string[] = [];
    for (const field of entity.fields) {
      const value = given[field.name];
      if (value !== undefined) {
        record[field.name] = value;
        continue;
      }
      const fallback = field.defaultValue?.();
      if (fallback !== undefined || field.nullable) {
        record[field.name] = fallback ?? null;
        defaulted.push(field.name);
      }
    }
    for (const name of Object.keys(given)) {
      if (!entity.fieldsByName.has(name)) {
        record[name] = given[name];
      }
    }

    return { record, defaulted };
  }

  /** A confined actor imports into its own tenant: a left-out tenant becomes its tenant. */
  private confine(entity: EntityInfo, record: EntityRecord, defaulted: string[]) {
    const { tenantId } = this.context.actor;
    const field = entity.tenantField;
    if (tenantId === null || !field) {
      return undefined;
    }
    if (defaulted.includes(field)) {
      record[field] = tenantId;
      defaulted.splice(defaulted.indexOf(field), 1);
      return undefined;
    }
    if (record[field] !== tenantId) {
      return {
        field,
        message:
          `The record belongs to tenant ${quote(record[field])}; you administer tenant ` +
          `'${tenantId}' and can import only its records`,
      };
    }

    return undefined;
  }
}
