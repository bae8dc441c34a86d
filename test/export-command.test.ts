import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { sortByKey, storedRecords } from './export-fixtures';
import { DIALECTS, startTestGateway, type TestGateway } from './harness';

interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `npm run export -- args` (the same entry point) against a database, output piped. */
function exportCommand(databaseUrl: string, cwd: string, args: string[]): Promise<CommandResult> {
  const main = join(__dirname, '..', 'src', 'main.ts');
  const tsx = join(__dirname, '..', 'node_modules', '.bin', 'tsx');

  return new Promise((resolve) => {
    execFile(
      tsx,
      [main, 'export', ...args],
      { cwd, env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

describe.each(DIALECTS)('the export command on %s', (dialect) => {
  let gw: TestGateway;
  let dir: string;
  beforeAll(async () => {
    gw = await startTestGateway(dialect);
    dir = mkdtempSync(join(tmpdir(), 'mb-export-cli-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await gw?.close();
  });

  it('writes the file, with plain progress lines in a pipe, and audits it', async () => {
    const out = join(dir, 'backup.yml');
    const result = await exportCommand(gw.services.config.databaseUrl, dir, [
      '--format',
      'yaml',
      '--entity-types',
      'User,Credential',
      '--include-sensitive',
      '--out',
      out,
    ]);
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toMatch(/^Wrote .*backup\.yml: \d+ records \(YAML\) in [\d.]+ s$/m);
    expect(result.stderr).toMatch(/^User: 19\/19 records$/m);
    expect(result.stderr).toMatch(/^Credential: 19\/19 records$/m);
    expect(result.stderr).not.toContain('\u001b[');

    const file = parseYaml(readFileSync(out, 'utf8'));
    for (const type of ['User', 'Credential']) {
      const key = gw.services.registry.get(type).primaryKey;
      expect(sortByKey(file.entities[type], key)).toEqual(await storedRecords(gw.services, type));
    }
    const [row] = await gw.sql(
      `SELECT "userId", "details" FROM "AuditLog" WHERE "action" = 'export' ` +
        `ORDER BY "at" DESC LIMIT 1`,
    );
    const details = typeof row.details === 'string' ? JSON.parse(row.details) : row.details;
    expect(row.userId).toBeNull();
    expect(details).toMatchObject({ delivery: 'command-line', complete: true, format: 'YAML' });
  });

  it('names the file after the day by default, and confines it with --tenant', async () => {
    const cwd = mkdtempSync(join(dir, 'default-'));
    const result = await exportCommand(gw.services.config.databaseUrl, cwd, [
      '--format',
      'json',
      '--tenant',
      'globex',
      '--entity-types',
      'User',
    ]);
    expect(result.code).toBe(0);
    const [name] = readdirSync(cwd);
    expect(name).toMatch(/^database-export-\d{4}-\d{2}-\d{2}\.json$/);
    const file = JSON.parse(readFileSync(join(cwd, name), 'utf8'));
    expect(file.entities.User.length).toBeGreaterThan(0);
    expect(file.entities.User.every((u: { tenantId: string }) => u.tenantId === 'globex')).toBe(
      true,
    );
  });

  it('refuses an unknown format with a clear message and leaves no file', async () => {
    const out = join(dir, 'never.xml');
    const result = await exportCommand(gw.services.config.databaseUrl, dir, [
      '--format',
      'xml',
      '--out',
      out,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^Unknown export format 'xml'\..* Valid values: JSON, YAML, SQL$/m,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });
});
