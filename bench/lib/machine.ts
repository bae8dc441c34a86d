import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { pgQuery, POSTGRES_SERVER } from './bench-databases';
import { runCommand } from './run-command';

/** The machine and the versions a result was measured with, in one line each. */
export async function describeMachine(): Promise<string[]> {
  const [pg] = await pgQuery<{ server_version: string }>(
    `${POSTGRES_SERVER}/postgres`,
    'SHOW server_version',
  );
  const sqlite = await runCommand('sqlite3', ['--version']).catch(() => 'not installed');

  const memory = `${(totalmem() / 2 ** 30).toFixed(1)} GiB memory`;
  const load = loadavg().map((l) => l.toFixed(2));

  return [
    `date: ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`,
    `machine: ${availableParallelism()} cores (nproc), ${memory}, ${cpus()[0]?.model ?? 'unknown CPU'}`,
    `load average at start: ${load.join(', ')} (the machine is shared)`,
    `Node ${process.version}, PostgreSQL ${pg.server_version}, SQLite ${sqlite.split(' ')[0]}`,
  ];
}
