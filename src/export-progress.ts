import cliProgress from 'cli-progress';
import type { EntityCount } from './services/entity-service';

/** Shows how far an export has got, on a stream (standard error by default). */
export interface ExportProgress {
  start(counts: EntityCount[]): void;
  update(entityType: string, done: number, total: number): void;
  stop(): void;
}

/** Records between two plain lines about the same type, in a pipe or a log file. */
const LINE_EVERY = 100_000;

/** A progress bar on a terminal; plain lines, one per type and per 100,000 records, elsewhere. */
export function exportProgress(stream: NodeJS.WriteStream = process.stderr): ExportProgress {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: '{bar} {percentage}% | {value}/{total} records | {entityType}',
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    const before = new Map<string, number>();

    return {
      start(counts) {
        let sum = 0;
        for (const c of counts) {
          before.set(c.entityType, sum);
          sum += c.count;
        }
        bar.start(sum, 0, { entityType: '' });
      },
      update(entityType, done) {
        bar.update((before.get(entityType) ?? 0) + done, { entityType });
      },
      stop: () => bar.stop(),
    };
  }

  const reported = new Map<string, number>();

  return {
    start(counts) {
      const total = counts.reduce((sum, c) => sum + c.count, 0);
      stream.write(`exporting ${total} records of ${counts.length} entity types\n`);
    },
    update(entityType, done, total) {
      const last = reported.get(entityType);
      if (done === total || done - (last ?? 0) >= LINE_EVERY) {
        reported.set(entityType, done);
        stream.write(`${entityType}: ${done}/${total} records\n`);
      }
    },
    stop: () => undefined,
  };
}
