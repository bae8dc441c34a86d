import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openServices } from '../src/app';
import { loadConfig } from '../src/config';
import { seedDatabase } from '../src/db/seed';
import { createLogger } from '../src/logger';
import type { Services } from '../src/services';
import { ADMIN_PASSWORD, createTestDatabase, DIALECTS } from './harness';
import { jsonFile, user, users } from './import-fixtures';

/** Every row of every table, ordered by primary key. */
async function snapshot(services: Services) {
  const tables: Record<string, unknown[]> = {};
  for (const entity of services.registry.entities) {
    tables[entity.name] = await services.db.query(
      `SELECT * FROM "${entity.name}" ORDER BY "${entity.primaryKey}"`,
    );
  }

  return tables;
}

/**
 * The command line in a process of its own (node itself, so that a signal reaches the import),
 * with its temporary files in `tmp`: a killed import cannot remove its spool.
 */
function importProcess(databaseUrl: string, args: string[], tmp: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'import', ...args], {
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', TMPDIR: tmp },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function finished(child: ChildProcess) {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));

  return new Promise<{
    code: number | null;
    signal: string | null;
    stdout: string;
    stderr: string;
  }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

describe.each(DIALECTS)('the import command on %s', (dialect) => {
  let database: { url: string; drop: () => Promise<void> };
  let dir: string;
  const open = async () =>
    openServices(
      loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent' }),
      createLogger('silent'),
    );

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mb-import-cli-'));
    database = await createTestDatabase(dialect);
    const services = await open();
    await seedDatabase(services, { adminPassword: ADMIN_PASSWORD, demo: true });
    await services.db.close();
  });
  afterAll(async () => {
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports a file, reports its counts and exits with 0', async () => {
    const path = join(dir, 'two.json');
    writeFileSync(path, jsonFile({ User: [user('cli1'), user('cli2')] }));
    const dry = await finished(
      importProcess(database.url, [path, '--mode', 'upsert', '--dry-run'], dir),
    );

    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('(UPSERT, dry run): 2 records, 2 imported');
    expect(dry.stdout).toContain('Dry run: the transaction was rolled back.');

    const real = await finished(importProcess(database.url, [path], dir));
    expect(real.code).toBe(0);
    expect(real.stdout).toMatch(/Committed as transaction [0-9a-f-]{36}\./);
    const services = await open();
    const rows = await services.db.query(`SELECT "id" FROM "User" WHERE "id" LIKE 'usr_cli%'`);
    await services.db.close();
    expect(rows).toHaveLength(2);
  });

  it('exits with 1 and names the error when a record fails', async () => {
    const path = join(dir, 'bad.yaml');
    writeFileSync(path, `User:\n  - id: usr_clibad\n    username: x\n    email: bad@cli.example\n`);
    const result = await finished(importProcess(database.url, [path], dir));

    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      "error: User #0 (line 2) username: 'username' must have at least 3 characters",
    );
    expect(result.stdout).toContain('Nothing was written.');
  });

  it('refuses a file of another extension', async () => {
    const path = join(dir, 'backup.csv');
    writeFileSync(path, 'id,username\n');
    const result = await finished(importProcess(database.url, [path], dir));

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Cannot import 'backup.csv'");
  });

  it('leaves the database as it was when the process is killed in the middle of an import', async () => {
    const path = join(dir, 'large.json');
    writeFileSync(path, jsonFile({ User: users('killed', 60000) }, false));
    const services = await open();
    const before = await snapshot(services);
    await services.db.close();

    const child = importProcess(database.url, [path], dir);
    const outcome = finished(child);
    // Killed as soon as the first batch is written, inside the import's transaction.
    await new Promise<void>((resolve) => {
      child.stderr!.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('writing User')) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    expect((await outcome).signal).toBe('SIGKILL');

    const after = await open();
    try {
      expect(await snapshot(after)).toEqual(before);
    } finally {
      await after.db.close();
    }
  });
});
