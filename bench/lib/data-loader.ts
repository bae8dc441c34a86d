import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import type { TableData, Value } from './bench-data';

const CHUNK = 1000;

function csvValue(value: Value): string {
  if (value === null) {
    return '';
  }
  if (typeof value === 'string') {
    return `"${value.replace(/"/g, '""')}"`;
  }

  return String(value);
}

function sqlValue(value: Value): string {
  if (value === null) {
    return 'NULL';
  }
  if (typeof value === 'string') {
    return `'${value.replace(/'/g, "''")}'`;
  }
  if (typeof value === 'boolean') {
    return value ? '1' : '0';
  }

  return String(value);
}

async function write(stream: Writable, text: string): Promise<void> {
  if (!stream.write(text)) {
    await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
  }
}

/** Runs a command with `feed` writing its standard input; fails with its stderr. */
async function pipeInto(
  command: string,
  args: string[],
  feed: (stdin: Writable) => Promise<void>,
): Promise<void> {
  const child = spawn(command, args, { stdio: ['pipe', 'ignore', 'pipe'] });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const done = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}: ${errors}`)),
    );
  });
  await feed(child.stdin);
  child.stdin.end();
  await done;
}

const quoted = (name: string) => `"${name}"`;

/**
 * Loads `rows` rows of each table into PostgreSQL with COPY through psql. Foreign-key triggers
 * are off for the load (session_replication_role = replica): the generator keeps every key valid,
 * and checking a million of them would measure the loader, not the gateway.
 */
export async function loadPostgres(url: string, tables: TableData[], rows: number) {
  for (const data of tables) {
    const copy =
      `\\copy ${quoted(data.table)} (${data.columns.map(quoted).join(', ')}) ` +
      'FROM pstdin WITH (FORMAT csv)';
    await pipeInto(
      'psql',
      [
        '-X',
        '-q',
        '-v',
        'ON_ERROR_STOP=1',
        '-d',
        url,
        '-c',
        'SET session_replication_role = replica',
        '-c',
        copy,
      ],
      async (stdin) => {
        for (let start = 0; start < rows; start += CHUNK) {
          let text = '';
          for (let i = start; i < Math.min(rows, start + CHUNK); i++) {
            text += `${data.row(i).map(csvValue).join(',')}\n`;
          }
          await write(stdin, text);
        }
      },
    );
  }
}

/** Loads the same rows into a SQLite file with multi-row INSERTs through the sqlite3 CLI. */
export async function loadSqlite(path: string, tables: TableData[], rows: number) {
  await pipeInto('sqlite3', ['-bail', path], async (stdin) => {
    await write(stdin, 'PRAGMA journal_mode = WAL;\nPRAGMA synchronous = OFF;\nBEGIN;\n');
    for (const data of tables) {
      const columns = data.columns.map(quoted).join(', ');
      const head = `INSERT INTO ${quoted(data.table)} (${columns}) VALUES\n`;
      for (let start = 0; start < rows; start += CHUNK) {
        const values: string[] = [];
        for (let i = start; i < Math.min(rows, start + CHUNK); i++) {
          values.push(`(${data.row(i).map(sqlValue).join(',')})`);
        }
        await write(stdin, `${head}${values.join(',\n')};\n`);
      }
    }
    await write(stdin, 'COMMIT;\nANALYZE;\n');
  });
}
