import { EventEmitter } from 'node:events';
import { loadAutocannon } from './bench-modules';

/** What one bounded load gave: throughput, latencies in milliseconds, and failures. */
export interface LoadFigures {
  rps: number;
  p50: number;
  p99: number;
  responses: number;
  /** Non-2xx answers, GraphQL errors, socket errors and timeouts together. */
  failures: number;
}

export interface LoadTarget {
  url: string;
  headers?: Record<string, string>;
}

/** Gives the body of each request; called once per request, so bodies can vary. */
export type BodySource = () => string;

/** The value below which `fraction` of the sorted values lie. */
export function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) {
    return Number.NaN;
  }
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));

  return sorted[index];
}

type Callback = (error: Error | null, result: { errors: number; timeouts: number }) => void;
type AutocannonWithEvents = (options: object, callback: Callback) => EventEmitter;

function once(
  target: LoadTarget,
  body: BodySource,
  connections: number,
  seconds: number,
): Promise<LoadFigures> {
  const autocannon = loadAutocannon() as unknown as AutocannonWithEvents;
  const latencies: number[] = [];
  let failures = 0;

  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const instance = autocannon(
      {
        url: target.url,
        connections,
        duration: seconds,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...target.headers },
        requests: [
          {
            setupRequest: (request: object) => ({ ...request, body: body() }),
            onResponse: (status: number, text: string) => {
              if (status < 300 && text.includes('"errors"')) {
                failures++;
              }
            },
          },
        ],
      },
      (error, result) => {
        if (error) {
          reject(error);
          return;
        }
        const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
        latencies.sort((a, b) => a - b);
        resolve({
          rps: latencies.length / elapsed,
          p50: percentile(latencies, 0.5),
          p99: percentile(latencies, 0.99),
          responses: latencies.length,
          failures: failures + result.errors + result.timeouts,
        });
      },
    );
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      latencies.push(ms);
      if (status >= 300) {
        failures++;
      }
    });
  });
}

/**
 * Drives `target` with autocannon at `connections` for `seconds`, after a warm-up of
 * `warmupSeconds` that is not counted. Latencies are kept at sub-millisecond precision.
 */
export async function measureLoad(
  target: LoadTarget,
  body: BodySource,
  connections: number,
  seconds: number,
  warmupSeconds: number,
): Promise<LoadFigures> {
  if (warmupSeconds > 0) {
    await once(target, body, connections, warmupSeconds);
  }

  return once(target, body, connections, seconds);
}
