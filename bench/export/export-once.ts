/**
 * One export of the User table to a file, in a process of its own, for the benchmark: prints the
 * time the export took (after start-up) and the peak memory of the process, as JSON.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { openServices } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { SYSTEM_ACTOR } from '../../src/services/record-query';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { format: { type: 'string' }, out: { type: 'string' } },
  });
  const services = await openServices(
    loadConfig({ DATABASE_URL: process.env.DATABASE_URL, LOG_LEVEL: 'silent' }),
    createLogger('silent'),
    false,
  );
  try {
    const file = createWriteStream(values.out!);
    await once(file, 'open');
    const started = process.hrtime.bigint();
    await services.exports.write(
      SYSTEM_ACTOR,
      { format: values.format, entityTypes: ['User'] },
      async (piece) => {
        if (!file.write(piece)) {
          await once(file, 'drain');
        }
      },
      { delivery: 'command-line' },
    );
    await new Promise<void>((resolve) => file.end(() => resolve()));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    process.stdout.write(
      `${JSON.stringify({ seconds, peakRssKb: process.resourceUsage().maxRSS })}\n`,
    );
  } finally {
    await services.db.close();
  }
}

void main();
