import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** The folder of the benchmarks, which has its own package.json and node_modules. */
export const BENCH_DIR = join(__dirname, '..');

/** The repository root, where the gateway lives. */
export const ROOT_DIR = join(BENCH_DIR, '..');

/** A latency or throughput histogram as autocannon reports it (milliseconds, requests). */
export interface Histogram {
  average: number;
  p50: number;
  p99: number;
  total: number;
}

export interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  method: 'POST';
  headers: Record<string, string>;
  body?: string;
  requests?: Array<{
    setupRequest?: (request: AutocannonRequest) => AutocannonRequest;
    onResponse?: (status: number, body: string) => void;
  }>;
}

export interface AutocannonResult {
  requests: Histogram;
  latency: Histogram;
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
}

type Autocannon = (options: AutocannonOptions) => Promise<AutocannonResult>;

/**
 * The benchmark's own dependencies (PostGraphile 4 wants graphql 15, the gateway is on 16), kept
 * in bench/node_modules and installed from bench/package-lock.json the first time they are needed.
 * They are loaded by path, so that the gateway's type check never needs them.
 */
export function ensureBenchModules(): void {
  if (existsSync(join(BENCH_DIR, 'node_modules', 'postgraphile'))) {
    return;
  }
  process.stdout.write('Installing the benchmark dependencies (npm ci --prefix bench)...\n');
  execFileSync('npm', ['ci', '--prefix', BENCH_DIR, '--no-audit', '--no-fund'], {
    stdio: 'inherit',
  });
}

const benchRequire = createRequire(join(BENCH_DIR, 'package.json'));

export function loadAutocannon(): Autocannon {
  ensureBenchModules();

  return benchRequire('autocannon') as Autocannon;
}

/** Resolves a module of bench/node_modules, for the PostGraphile child process. */
export function benchModule<T>(name: string): T {
  ensureBenchModules();

  return benchRequire(name) as T;
}
