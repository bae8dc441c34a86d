import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { DialectName } from '../src/config';
import { ADMIN_PASSWORD, createTestDatabase } from './harness';

/** A gateway run as its own process, as `npm start` runs it. */
export interface GatewayProcess {
  child: ChildProcess;
  url: string;
  origin: string;
  databaseUrl: string;
  /** Everything the process printed so far. */
  output(): string;
  /** Resolves with the exit code (or the signal's name) once the process ends. */
  exited: Promise<number | string>;
  /** Resolves once the output contains `text`. */
  waitFor(text: string): Promise<void>;
  /** Drops the database; after the process has ended. */
  drop(): Promise<void>;
}

const ROOT = join(__dirname, '..');

/** Starts `src/main.ts serve` on a fresh database of the dialect on a free port. */
export async function startGatewayProcess(
  dialect: DialectName,
  env: Record<string, string> = {},
): Promise<GatewayProcess> {
  const database = await createTestDatabase(dialect);
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: database.url,
      PORT: '0',
      ADMIN_PASSWORD,
      SEED_DEMO: 'false',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const waiters: Array<() => void> = [];
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    waiters.forEach((check) => check());
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const waitFor = (text: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => output.includes(text) && resolve();
      waiters.push(check);
      check();
      void exited.then(() =>
        reject(new Error(`the gateway ended before printing '${text}':\n${output}`)),
      );
    });

  await waitFor('MetaBuilder Admin Gateway on ');
  const url = /MetaBuilder Admin Gateway on (\S+)/.exec(output)![1];

  return {
    child,
    url,
    origin: url.replace(/\/graphql$/, ''),
    databaseUrl: database.url,
    output: () => output,
    exited,
    waitFor,
    drop: database.drop,
  };
}
