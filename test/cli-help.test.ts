import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const MAIN = resolve(__dirname, '../src/main.ts');
const TSX = resolve(__dirname, '../node_modules/.bin/tsx');

describe('the command line', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mb-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['export', 'import', 'create-admin'])(
    'answers `%s --help` with the usage, opening no database',
    async (command) => {
      const { stdout } = await run(TSX, [MAIN, command, '--help'], { cwd: dir });
      expect(stdout).toMatch(/^Usage: npm run <command>/);
      expect(stdout).toContain('import         FILE [--mode append|upsert|replace]');
      expect(existsSync(join(dir, 'data'))).toBe(false);
    },
  );

  it('refuses an unknown command, naming the valid ones', async () => {
    await expect(run(TSX, [MAIN, 'explode'], { cwd: dir })).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/Unknown command 'explode'. Commands: .*serve.*import/),
    });
    expect(existsSync(join(dir, 'data'))).toBe(false);
  });
});
