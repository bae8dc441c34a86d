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

export function createLogger(level: LogLevel): Logger {
  return pino({ level, redact: { paths: REDACTED, censor: '[redacted]' } });
}
