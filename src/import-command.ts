import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { Presets, SingleBar } from 'cli-progress';
import { ConfigError } from './config';
import { unknownChoice } from './errors';
import type { Services } from './services';
import {
  IMPORT_MODES,
  type ImportMode,
  type ImportProgress,
  type ImportResult,
} from './services/import/import-result';
import { SYSTEM_ACTOR } from './services/record-query';

/** The arguments of the import command, for the usage text. */
export const IMPORT_USAGE =
  'FILE [--mode append|upsert|replace] [--dry-run] [--ignore-errors] [--entity-types A,B]';

/** Shows progress as a bar on a terminal, and as a line every tenth of the way in a pipe. */
function progressReporter(out: NodeJS.WriteStream): (progress: ImportProgress) => void {
  let bar: SingleBar | undefined;
  let current = '';
  let lastTenth = -1;

  return (progress) => {
    const label = progress.phase === 'reading' ? 'reading' : `writing ${progress.entityType}`;
    const value = progress.phase === 'reading' ? progress.position : progress.done;
    const total = progress.phase === 'reading' ? (progress.size ?? 0) : progress.total;
    if (label !== current) {
      bar?.stop();
      bar = undefined;
      current = label;
      lastTenth = -1;
    }
    if (out.isTTY) {
      if (!bar) {
        bar = new SingleBar(
          { format: `${label.padEnd(24)} [{bar}] {percentage}% {value}/{total}`, stream: out },
          Presets.shades_classic,
        );
        bar.start(total, value);
      }
      bar.update(value);
      if (value >= total) {
        bar.stop();
      }
      return;
    }
    const tenth = total > 0 ? Math.floor((value / total) * 10) : 10;
    if (tenth !== lastTenth) {
      lastTenth = tenth;
      out.write(`${label}: ${value} of ${total}${progress.phase === 'reading' ? ' bytes' : ''}\n`);
    }
  };
}

function report(result: ImportResult, file: string, mode: ImportMode): string {
  const { summary } = result;
  const lines = [
    `Import of ${file} (${mode}${result.dryRun ? ', dry run' : ''}): ${summary.totalRecords} ` +
      `records, ${summary.imported} imported, ${summary.skipped} skipped, ` +
      `${summary.failed} failed, ${summary.deleted} deleted.`,
  ];
  for (const counts of result.detailedResults) {
    lines.push(
      `  ${counts.entityType.padEnd(18)} imported ${counts.imported}, skipped ${counts.skipped}, ` +
        `failed ${counts.failed}, deleted ${counts.deleted}`,
    );
  }
  for (const error of summary.errors) {
    const where = error.line === null ? '' : ` (line ${error.line})`;
    const field = error.field ? ` ${error.field}` : '';
    lines.push(`  error: ${error.entityType} #${error.index}${where}${field}: ${error.error}`);
  }
  if (summary.errorsOmitted > 0) {
    lines.push(`  ... and ${summary.errorsOmitted} more errors`);
  }
  if (result.transactionId) {
    lines.push(`Committed as transaction ${result.transactionId}.`);
  } else if (result.dryRun) {
    lines.push('Dry run: the transaction was rolled back.');
  } else {
    lines.push('Nothing was written. --ignore-errors imports the records that pass.');
  }

  return `${lines.join('\n')}\n`;
}

/**
 * `npm run import -- backup.json --mode upsert --dry-run`: imports a file into the configured
 * database as the system (no tenant). Exits with 1 when records failed and nothing was written
 * (or would be, for a dry run).
 */
export async function importCommand(services: Services, args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      mode: { type: 'string', default: 'append' },
      'dry-run': { type: 'boolean', default: false },
      'ignore-errors': { type: 'boolean', default: false },
      'entity-types': { type: 'string' },
    },
  });
  const [path] = positionals;
  if (!path || positionals.length > 1) {
    throw new ConfigError(`Usage: npm run import -- ${IMPORT_USAGE}`);
  }
  if (!existsSync(path)) {
    throw new ConfigError(`No file at '${path}'`);
  }
  const mode = values.mode.toUpperCase() as ImportMode;
  if (!IMPORT_MODES.includes(mode)) {
    throw new ConfigError(
      unknownChoice(
        'mode',
        values.mode,
        IMPORT_MODES.map((m) => m.toLowerCase()),
      ),
    );
  }

  const result = await services.imports.importFile(SYSTEM_ACTOR, path, basename(path), {
    mode,
    dryRun: values['dry-run'],
    ignoreErrors: values['ignore-errors'],
    entityTypes: values['entity-types']?.split(',').map((name) => name.trim()) ?? null,
    onProgress: progressReporter(process.stderr),
  });
  process.stdout.write(report(result, path, mode));
  if (result.summary.failed > 0 && !values['ignore-errors']) {
    process.exitCode = 1;
  }
}
