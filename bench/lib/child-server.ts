import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** A server the benchmark started as a child process, with every line it printed. */
export interface ChildServer {
  name: string;
  url: string;
  /** stdout lines so far; statement counts are read from them. */
  lines: string[];
  /** How many lines matching `pattern` the server printed while `work` ran and shortly after. */
  countLines(pattern: RegExp, work: () => Promise<unknown>): Promise<number>;
  stop(): Promise<void>;
}

export interface ChildServerOptions {
  name: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The start-up line that carries the URL in its first group. */
  ready: RegExp;
  timeoutMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the server has printed nothing for `quietMs`, so a count is complete. */
async function settle(lines: string[], quietMs: number): Promise<void> {
  let seen = -1;
  while (seen !== lines.length) {
    seen = lines.length;
    await sleep(quietMs);
  }
}

/** Starts `node <args>` and resolves once it printed the line with its URL. */
export function startChildServer(options: ChildServerOptions): Promise<ChildServer> {
  const child: ChildProcess = spawn(process.execPath, options.args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const errors: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => errors.push(line));
  const out = createInterface({ input: child.stdout! });

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${options.name} did not start in time:\n${errors.join('\n')}`));
    }, options.timeoutMs ?? 120_000);
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited with ${code}:\n${errors.slice(-20).join('\n')}`));
    });

    out.on('line', (line) => {
      lines.push(line);
      const match = options.ready.exec(line);
      if (!match) {
        return;
      }
      clearTimeout(timer);
      resolve({
        name: options.name,
        url: match[1],
        lines,
        async countLines(pattern, work) {
          await settle(lines, 100);
          const start = lines.length;
          await work();
          await settle(lines, 300);

          return lines.slice(start).filter((l) => pattern.test(l)).length;
        },
        async stop() {
          if (child.exitCode === null) {
            child.kill('SIGTERM');
            const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
            await exited;
            clearTimeout(killer);
          }
        },
      });
    });
  });
}
