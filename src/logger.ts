import pino from 'pino';
import type { LogLevel } from './config';

/** The one logger of the process; modules receive it, none writes to the console directly. */
export type Logger = pino.Logger;

/** Fields that never reach a log line, wherever they appear in a logged object. */
const REDACTED = [
  'password',
  'token',
  'passwordHash',
  '*.password',
  '*.token',
  '*.passwordHash',
  'req.headers.authorization',
  'req.headers.cookie',
];

/** The logger of the process, writing JSON lines to stdout or to `destination`. */
export function createLogger(level: LogLevel, destination?: NodeJS.WritableStream): Logger {
  const options = { level, redact: { paths: REDACTED, censor: '[redacted]' } };

  return destination ? pino(options, destination) : pino(options);
}
