import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import type { EntityRecord } from '../../registry/record-codec';

/** A record of the file that passed the checks of the file alone, waiting to be written. */
export interface SpooledRecord {
  /** Its position among the records of its type in the file. */
  index: number;
  line: number;
  /** Every field of the type, defaults filled in. */
  record: EntityRecord;
  /** The fields the file left out and a default filled: an update leaves them as stored. */
  defaulted: string[];
}

type Line = [index: number, line: number, record: EntityRecord, defaulted?: string[]];

const FLUSH_AT = 1 << 16;

class TypeSpool {
  readonly stream: WriteStream;
  count = 0;
  pending = '';

  constructor(readonly path: string) {
    this.stream = createWriteStream(path, { encoding: 'utf8' });
  }

  async flush(): Promise<void> {
    if (this.pending === '') {
      return;
    }
    const ok = this.stream.write(this.pending);
    this.pending = '';
    if (!ok) {
      await once(this.stream, 'drain');
    }
  }
}

/**
 * The checked records of an import, one file per entity type in a temporary folder, so that they
 * can be written in foreign-key order whatever order the file gave them in, without holding them
 * in memory. Lines are JSON: `[index, line, record, defaulted]`.
 */
export class RecordSpool {
  private readonly types = new Map<string, TypeSpool>();

  private constructor(private readonly dir: string) {}

  static async create(): Promise<RecordSpool> {
    return new RecordSpool(await mkdtemp(join(tmpdir(), 'mb-import-')));
  }

  /** Adds a record; returns a promise only when the buffer went to the disk and must drain. */
  add(entityType: string, item: SpooledRecord): Promise<void> | void {
    let spool = this.types.get(entityType);
    if (!spool) {
      spool = new TypeSpool(join(this.dir, `${this.types.size}.ndjson`));
      this.types.set(entityType, spool);
    }
    const line: Line =
      item.defaulted.length > 0
        ? [item.index, item.line, item.record, item.defaulted]
        : [item.index, item.line, item.record];
    spool.pending += `${JSON.stringify(line)}\n`;
    spool.count++;
    if (spool.pending.length >= FLUSH_AT) {
      return spool.flush();
    }
  }

  count(entityType: string): number {
    return this.types.get(entityType)?.count ?? 0;
  }

  /** Writes out what is buffered; call once, after the last `add`. */
  async finish(): Promise<void> {
    for (const spool of this.types.values()) {
      await spool.flush();
      spool.stream.end();
      await once(spool.stream, 'finish');
    }
  }

  /** The records of a type in file order, `size` at a time. */
  async *batches(entityType: string, size: number): AsyncGenerator<SpooledRecord[]> {
    const spool = this.types.get(entityType);
    if (!spool) {
      return;
    }
    let batch: SpooledRecord[] = [];
    let rest = '';
    for await (const chunk of createReadStream(spool.path, { encoding: 'utf8' })) {
      const lines = (rest + (chunk as string)).split('\n');
      rest = lines.pop()!;
      for (const text of lines) {
        const [index, line, record, defaulted = []] = JSON.parse(text) as Line;
        batch.push({ index, line, record, defaulted });
        if (batch.length >= size) {
          yield batch;
          batch = [];
        }
      }
    }
    if (batch.length > 0) {
      yield batch;
    }
  }

  /** Removes the temporary folder; safe to call more than once. */
  async dispose(): Promise<void> {
    for (const spool of this.types.values()) {
      spool.stream.destroy();
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}
